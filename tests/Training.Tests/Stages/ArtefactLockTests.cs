// Commands that write the same artefacts exclude each other: `report` run while `run --force` wrote the
// study used to render the previous study.json over the new one (exit 0 both), leaving reports/ and
// models/*.metrics.json in disagreement. Each command that writes models/, reports/ or
// reports/experiments/ holds that directory's lock; a second one fails at once, naming the directory,
// the holder and the lock file.
using MnistBn.Shared;
using MnistBn.TestSupport;
using MnistBn.Training.Stages;

namespace MnistBn.Training.Tests.Stages;

public sealed class ArtefactLockTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Models => Path.Combine(_temp.Path, "models");

    private string Reports => Path.Combine(_temp.Path, "reports");

    [Fact]
    public async Task Report_while_a_run_writes_the_study_fails_naming_the_run_and_writes_nothing()
    {
        await MnistTestData.EnsureAsync();
        using var run = ChildCli.Start(["run", .. Settings(), "--set", "training.train_subset=256", "--set", "training.test_subset=128",
            "--set", "training.epochs=1000", "--set", $"training.output_directory={Path.Combine(_temp.Path, "runs")}"]);
        try
        {
            Assert.True(await run.WaitForFileAsync(Path.Combine(Reports, ".lock.owner"), Limit), $"the run never locked {Reports}: {run.Output}");

            var (exitCode, output, error) = CliHarness.RunCapturingOutput(["report", .. Settings()]);

            Assert.False(run.HasExited, $"the run ended early: {run.Output}");
            Assert.Equal(1, exitCode);
            Assert.Contains($"error: {Models} is in use by another mnistbn command (process {run.Id}, started ", error);
            Assert.Contains(" run --config ", error); // the holder's command line
            Assert.Contains($"lock file {Path.Combine(Models, DirectoryLock.FileName)}", error);
            Assert.DoesNotContain("wrote", output);
        }
        finally
        {
            await run.SignalAsync("INT");
            Assert.Equal(130, await run.ExitCodeAsync(Limit));
        }
        Assert.Contains("Resume with: mnistbn run --config", run.Output);
    }

    [Fact]
    public void Report_into_a_report_directory_in_use_fails_naming_it()
    {
        Directory.CreateDirectory(Reports);
        using var held = DirectoryLock.Acquire(new LockedDirectory(Reports, "report directory", "report.directory"));

        AssertRefused(Reports, "report.directory", ["report", .. Settings()]);
    }

    [Fact]
    public async Task Export_into_a_model_directory_in_use_fails_naming_it_and_writes_no_model()
    {
        await MnistTestData.EnsureAsync();
        var runs = Path.Combine(_temp.Path, "runs");
        var (trained, trainError) = CliHarness.Run(["train", "--variant", "nobn", .. Settings(), "--set", $"training.output_directory={runs}",
            "--set", "training.train_subset=256", "--set", "training.test_subset=128", "--set", "training.epochs=1"]);
        Assert.True(trained == 0, trainError);
        using var held = DirectoryLock.Acquire(new LockedDirectory(Models, "model directory", "export.directory"));

        AssertRefused(Models, "export.directory", ["export", "--checkpoint", Path.Combine(runs, "nobn", Loop.Checkpoint.FileName), .. Settings()]);
        Assert.Empty(Directory.GetFiles(Models, "*.onnx"));
    }

    [Fact]
    public void Export_of_a_checkpoint_that_does_not_load_leaves_the_model_directory_uncreated()
    {
        var (exitCode, _) = CliHarness.Run(["export", "--checkpoint", Path.Combine(_temp.Path, "checkpoint.bin"), .. Settings()]);

        Assert.Equal(1, exitCode);
        Assert.False(Directory.Exists(Models));
    }

    [Fact]
    public async Task Evaluate_into_a_report_directory_in_use_fails_naming_it()
    {
        await MnistTestData.EnsureAsync();
        using var held = DirectoryLock.Acquire(new LockedDirectory(Reports, "report directory", "report.directory"));

        AssertRefused(Reports, "report.directory",
            ["evaluate", "--model", Path.Combine(RepositoryPaths.FindRoot(), "models", "lenet-bn.onnx"), .. Settings(), "--set", "training.test_subset=10"]);
    }

    [Fact]
    public void Experiment_into_an_experiments_directory_in_use_fails_before_loading_data()
    {
        var experiments = Path.Combine(Reports, "experiments");
        using var held = DirectoryLock.Acquire(new LockedDirectory(experiments, "experiments directory", "report.directory"));

        AssertRefused(experiments, "report.directory", ["experiment", "bn-placement", .. Settings()]);
    }

    [Fact]
    public void Report_and_run_lock_nothing_they_do_not_write_so_an_experiment_may_run_beside_a_study()
    {
        using var study = DirectoryLock.AcquireAll([
            new LockedDirectory(Models, "model directory", "export.directory"),
            new LockedDirectory(Reports, "report directory", "report.directory")]);

        using var experiments = DirectoryLock.Acquire(new LockedDirectory(Path.Combine(Reports, "experiments"), "experiments directory", "report.directory"));
    }

    private static void AssertRefused(string directory, string configKey, string[] arguments)
    {
        var (exitCode, error) = CliHarness.Run(arguments);

        Assert.Equal(1, exitCode);
        Assert.Contains($"error: {directory} is in use by another mnistbn command (process {Environment.ProcessId}, started ", error);
        Assert.Contains($"write to another directory with --set {configKey}=<dir>", error);
    }

    private string[] Settings() =>
    [
        "--config", Path.Combine(RepositoryPaths.FindRoot(), RepositoryPaths.ConfigFileName),
        "--set", $"export.directory={Models}",
        "--set", $"report.directory={Reports}",
    ];
}
