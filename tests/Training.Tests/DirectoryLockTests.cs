// Two trainings into one run directory: the second fails at once, naming the directory and the
// other process, and the lock goes with its holder, also when that is killed (-9). The output
// directories are checked before training, and --resume names the keys that differ. (The locks of
// models/ and reports/ between commands: ArtefactLockTests.)
using System.Diagnostics;
using MnistBn.Shared;
using MnistBn.Shared.Configuration;
using MnistBn.TestSupport;
using MnistBn.Training.Loop;
using MnistBn.Training.Stages;

namespace MnistBn.Training.Tests;

public sealed class DirectoryLockTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private readonly List<string> _childOutput = [];

    private void Collect(string? line)
    {
        lock (_childOutput)
            _childOutput.Add(line ?? "");
    }

    private string ChildOutput()
    {
        lock (_childOutput)
            return string.Join('\n', _childOutput.TakeLast(10));
    }

    private string Runs => Path.Combine(_temp.Path, "runs");

    [Fact]
    public void Second_lock_on_a_held_directory_fails_naming_the_directory_and_holder()
    {
        var directory = Path.Combine(Runs, "bn");
        using var first = DirectoryLock.Acquire(RunsOf(directory));

        var error = Assert.Throws<DirectoryInUseException>(() => DirectoryLock.Acquire(RunsOf(directory)));

        Assert.StartsWith($"{directory} is in use by another mnistbn command (process {Environment.ProcessId}, started ", error.Message);
        Assert.Contains($"lock file {directory}/.lock", error.Message);
        Assert.Contains("--set training.output_directory=", error.Message);
    }

    [Fact]
    public void Released_lock_leaves_no_file_and_can_be_taken_again()
    {
        var directory = Path.Combine(Runs, "nobn");
        DirectoryLock.Acquire(RunsOf(directory)).Dispose();
        Assert.Empty(Directory.GetFileSystemEntries(directory));
        using var again = DirectoryLock.Acquire(RunsOf(directory));
        Assert.True(File.Exists(Path.Combine(directory, DirectoryLock.OwnerFileName)));
    }

    [Fact]
    public void Taking_the_lock_removes_the_temp_files_of_a_holder_killed_mid_write_and_nothing_else()
    {
        var directory = Path.Combine(Runs, "nobn");
        var below = Path.Combine(directory, "below");
        Directory.CreateDirectory(below);
        var leftover = Path.Combine(directory, $".history.json.{Guid.NewGuid():N}.tmp");
        string[] kept = [Path.Combine(directory, "notes.tmp"), Path.Combine(below, $".x.json.{Guid.NewGuid():N}.tmp")];
        foreach (var file in kept.Append(leftover))
            File.WriteAllText(file, "half");

        using var held = DirectoryLock.Acquire(RunsOf(directory));

        Assert.False(File.Exists(leftover));
        Assert.All(kept, file => Assert.True(File.Exists(file), file));
    }

    [Fact]
    public async Task Train_into_a_directory_another_process_trains_into_fails_at_once_and_works_after_that_process_is_killed()
    {
        await MnistTestData.EnsureAsync();
        var directory = Path.Combine(Runs, "nobn");
        using var other = StartTraining("nobn");
        try
        {
            var owner = Path.Combine(directory, DirectoryLock.OwnerFileName);
            var waited = Stopwatch.StartNew();
            while (!File.Exists(owner) && !other.HasExited && waited.Elapsed < TimeSpan.FromSeconds(60))
                await Task.Delay(50);
            Assert.True(File.Exists(owner), $"the other training never took its lock: {ChildOutput()}");

            var clock = Stopwatch.StartNew();
            var (exitCode, error) = CliHarness.Run(TrainArguments("nobn"));

            Assert.False(other.HasExited, $"the other training ended early: {ChildOutput()}");
            Assert.True(exitCode == 1, error);
            Assert.Contains($"{directory} is in use by another mnistbn command (process {other.Id}", error);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed} to refuse");
        }
        finally
        {
            using var kill = Process.Start("kill", ["-9", other.Id.ToString()]);
            await kill.WaitForExitAsync();
            await other.WaitForExitAsync();
        }
        using var after = DirectoryLock.Acquire(RunsOf(directory)); // the OS released the killed holder's lock
    }

    [Fact]
    public void Run_into_a_directory_held_by_a_training_fails_before_training()
    {
        using var held = DirectoryLock.Acquire(RunsOf(Path.Combine(Runs, "bn")));

        var (exitCode, error) = CliHarness.Run(["run", .. Settings(), "--set", $"export.directory={Path.Combine(_temp.Path, "models")}",
            "--set", $"report.directory={Path.Combine(_temp.Path, "reports")}"]);

        Assert.Equal(1, exitCode);
        Assert.Contains($"{Path.Combine(Runs, "bn")} is in use by another mnistbn command", error);
        Assert.False(File.Exists(Path.Combine(Runs, "nobn", Checkpoint.FileName)), "nobn was trained before the lock was checked");
    }

    [Fact]
    public void Unwritable_output_directory_fails_before_the_first_epoch()
    {
        var blocker = Path.Combine(_temp.Path, "a-file");
        File.WriteAllText(blocker, "a file where a directory should be");
        var clock = Stopwatch.StartNew();

        var (exitCode, error) = CliHarness.Run(["train", "--variant", "nobn", .. Settings(), "--set", $"training.output_directory={blocker}/runs"]);

        Assert.Equal(1, exitCode);
        Assert.Contains($"Cannot use {blocker}/runs/nobn as the run directory (training.output_directory)", error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}: was an epoch trained first?");
    }

    [Fact]
    public void Run_with_an_unwritable_export_directory_fails_before_training()
    {
        var blocker = Path.Combine(_temp.Path, "a-file");
        File.WriteAllText(blocker, "a file where a directory should be");

        var (exitCode, error) = CliHarness.Run(["run", .. Settings(), "--set", $"export.directory={blocker}/models"]);

        Assert.Equal(1, exitCode);
        Assert.Contains($"Cannot write to {blocker}/models (export.directory)", error);
        Assert.False(File.Exists(Path.Combine(Runs, "nobn", Checkpoint.FileName)));
    }

    [Fact]
    public void Resume_refusal_names_the_keys_that_differ()
    {
        var saved = MnistTestData.Config;
        var current = saved with { Training = saved.Training with { Seed = 7, LearningRate = 0.01, Epochs = 40 } };

        var blockers = Trainer.ResumeBlockers(saved, current);

        Assert.Equal(["training.learning_rate (0.002 → 0.01)", "training.seed (42 → 7)"], blockers.Select(b => b.ToString()));
    }

    private string[] Settings() =>
    [
        "--config", Path.Combine(RepositoryPaths.FindRoot(), RepositoryPaths.ConfigFileName),
        "--set", $"training.output_directory={Runs}",
        "--set", "training.train_subset=512",
        "--set", "training.test_subset=256",
        "--set", "training.epochs=1",
    ];

    private string[] TrainArguments(string variant) => ["train", "--variant", variant, .. Settings()];

    private static LockedDirectory RunsOf(string directory) => new(directory, "run directory", "training.output_directory");

    // The real command line in a child process, training long enough to be caught in the act.
    private Process StartTraining(string variant)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "mnistbn.dll");
        var arguments = TrainArguments(variant).Select(a => a == "training.epochs=1" ? "training.epochs=1000" : a);
        var start = new ProcessStartInfo("dotnet", [cli, .. arguments]) { RedirectStandardError = true, RedirectStandardOutput = true };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => Collect(line.Data);
        process.ErrorDataReceived += (_, line) => Collect(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
