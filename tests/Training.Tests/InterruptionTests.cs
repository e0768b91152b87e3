// Ctrl-C (SIGINT) and SIGTERM during training, on the real command line in a child process: it stops at
// a safe point, keeps the last completed epoch's checkpoint, prints the exact command that resumes, and
// exits 130 / 143 — where it used to die with SIGSEGV (139) or a oneDNN abort (134), because the process
// was torn down while LibTorch's threads still ran. Also the parts in-process: the trainer's safe point
// and the resume line for each command.
using MnistBn.Shared;
using MnistBn.TestSupport;
using MnistBn.Training.Cli;
using MnistBn.Training.Loop;

namespace MnistBn.Training.Tests;

public sealed class InterruptionTests(TrainingFixture data) : IClassFixture<TrainingFixture>, IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Runs => Path.Combine(_temp.Path, "runs");

    private string Checkpoint => Path.Combine(Runs, "nobn", Loop.Checkpoint.FileName);

    [Fact]
    public Task Sigint_during_train_exits_130_with_the_resume_command_and_resume_continues_from_the_checkpoint() =>
        InterruptTrainingAndResume("INT", 130);

    [Fact]
    public Task Sigterm_during_train_exits_143_with_the_resume_command_and_resume_continues_from_the_checkpoint() =>
        InterruptTrainingAndResume("TERM", 143);

    [Fact]
    public void Cancelled_training_stops_between_batches_and_keeps_the_last_completed_epoch()
    {
        var config = TrainingFixture.Config(5, Runs);
        using var cancel = new CancellationTokenSource();
        var progress = new CancelInEpoch(cancelIn: 2, cancel);

        Assert.ThrowsAny<OperationCanceledException>(() =>
            new Trainer(config, data.Train, data.Test, _ => { }).Run("nobn", Runs, resume: false, progress, cancel.Token));

        Assert.Equal(0, progress.BatchesAfterCancel); // the batch under way finished; no other began
        Assert.Equal(1, Loop.Checkpoint.ReadHeader(Checkpoint).EpochsCompleted);
        Assert.Single(TrainingHistory.Load(Path.Combine(Runs, "nobn", TrainingHistory.FileName)).Epochs);
    }

    [Fact]
    public void Resume_line_of_train_repeats_the_command_with_resume_and_quotes_what_a_shell_would_split()
    {
        var parse = CommandCatalog.Root().Parse(["train", "--variant", "bn", "--set", "data.sources=[{kind: npm}]"]);

        var line = ResumeHint.For(parse, "SIGINT");

        Assert.StartsWith("interrupted by SIGINT: stopped at a safe point;", line);
        Assert.EndsWith("Resume with: mnistbn train --variant bn --set 'data.sources=[{kind: npm}]' --resume", line);
    }

    [Fact]
    public void Resume_line_of_run_drops_force_which_would_start_over()
    {
        var line = ResumeHint.For(CommandCatalog.Root().Parse(["run", "--force", "--set", "training.epochs=3"]), "SIGTERM");

        Assert.EndsWith("Resume with (no --force: it would start over): mnistbn run --set training.epochs=3", line);
    }

    [Fact]
    public void Resume_line_of_evaluate_says_what_is_kept_and_repeats_the_command()
    {
        var line = ResumeHint.For(CommandCatalog.Root().Parse(["evaluate", "--model", "models/lenet-bn.onnx"]), "SIGINT");

        Assert.Contains("the reports of models already evaluated are kept", line);
        Assert.EndsWith("Evaluate again with: mnistbn evaluate --model models/lenet-bn.onnx", line);
    }

    private async Task InterruptTrainingAndResume(string signal, int expectedExitCode)
    {
        await MnistTestData.EnsureAsync();
        string[] arguments = ["train", "--variant", "nobn", .. Settings(epochs: 1000)];
        using (var child = ChildCli.Start(arguments))
        {
            Assert.True(await child.WaitForFileAsync(Checkpoint, Limit), $"no first checkpoint: {child.Output}");

            await child.SignalAsync(signal);
            var exitCode = await child.ExitCodeAsync(Limit);

            Assert.True(exitCode == expectedExitCode, $"exit {exitCode}: {child.Output}");
            Assert.DoesNotContain("Unhandled exception", child.Output);
            Assert.DoesNotContain("error:", child.Output);
            Assert.Contains($"interrupted by SIG{signal}: stopped at a safe point; each variant keeps the checkpoint of its last completed epoch. " +
                            $"Resume with: mnistbn {string.Join(' ', arguments)} --resume", child.Output);
        }
        var saved = Loop.Checkpoint.ReadHeader(Checkpoint).EpochsCompleted;
        Assert.InRange(saved, 1, 999);

        var (resumed, output, error) = CliHarness.RunCapturingOutput(["train", "--variant", "nobn", .. Settings(epochs: saved + 1), "--resume"]);

        Assert.True(resumed == 0, error);
        Assert.Contains($"nobn: resuming after epoch {saved} from {Checkpoint}", output);
        Assert.Equal(saved + 1, Loop.Checkpoint.ReadHeader(Checkpoint).EpochsCompleted);
    }

    private string[] Settings(int epochs) =>
    [
        "--config", Path.Combine(RepositoryPaths.FindRoot(), RepositoryPaths.ConfigFileName),
        "--set", $"training.output_directory={Runs}",
        "--set", "training.train_subset=256",
        "--set", "training.test_subset=128",
        "--set", $"training.epochs={epochs}",
    ];

    // Cancels at the first batch of a 1-based epoch, as Ctrl-C would arrive, and counts the batches that still ran.
    private sealed class CancelInEpoch(int cancelIn, CancellationTokenSource cancel) : ITrainingProgress
    {
        public int BatchesAfterCancel { get; private set; }

        public void Started(string variant, int firstEpoch, int epochs, int batchesPerEpoch)
        {
        }

        public void Batch(string variant, int epoch, int batch)
        {
            if (cancel.IsCancellationRequested)
                BatchesAfterCancel++;
            else if (epoch + 1 == cancelIn)
                cancel.Cancel();
        }

        public void Epoch(string variant, EpochMetrics metrics)
        {
        }
    }
}
