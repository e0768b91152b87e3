// A full disk while writing a checkpoint or an exported model: a clear error naming the file and the
// cause, the previous checkpoint intact, and no partial or temporary file left behind.
using MnistBn.Training.Loop;

namespace MnistBn.Training.Tests;

public sealed class DiskFullTests(TrainingFixture data) : IClassFixture<TrainingFixture>
{
    private const string NotMountable = "cannot mount a tmpfs here (needs root)";

    [SkippableFact]
    public void Full_disk_at_a_checkpoint_keeps_the_previous_checkpoint_and_leaves_no_partial_file()
    {
        using var disk = SmallDisk.TryMount(8 * 1024);
        Skip.If(disk is null, NotMountable);
        var checkpoint = Path.Combine(disk.Path, "nobn", Checkpoint.FileName);
        Train(TrainingFixture.Config(1, disk.Path), resume: false);
        var before = File.ReadAllBytes(checkpoint);
        disk.FillLeaving(100_000); // a checkpoint is ~700 KB

        var error = Assert.Throws<IOException>(() => Train(TrainingFixture.Config(2, disk.Path), resume: true));

        Assert.StartsWith($"Cannot write checkpoint to '{checkpoint}': ", error.Message);
        Assert.Contains("No space left on device", error.Message);
        Assert.Equal(before, File.ReadAllBytes(checkpoint));
        Assert.Equal(1, Checkpoint.ReadHeader(checkpoint).EpochsCompleted);
        Assert.Empty(Directory.GetFiles(disk.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [SkippableFact]
    public void Full_disk_at_export_is_one_clear_line_and_leaves_no_model_file()
    {
        using var disk = SmallDisk.TryMount(1024);
        Skip.If(disk is null, NotMountable);
        using var runs = new TempDirectory();
        Train(TrainingFixture.Config(1, runs.Path), resume: false);
        var models = Path.Combine(disk.Path, "models");
        Directory.CreateDirectory(models);
        disk.FillLeaving(20_000); // an exported LeNet is ~250 KB

        var (exitCode, error) = CliHarness.Run("export", "--checkpoint", Path.Combine(runs.Path, "nobn", Checkpoint.FileName),
            "--set", $"export.directory={models}");

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"error: Cannot write ONNX model to '{Path.Combine(models, "lenet-nobn.onnx")}': ", error);
        Assert.Contains("No space left on device", error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Empty(Directory.GetFileSystemEntries(models));
    }

    private void Train(MnistBn.Shared.Configuration.PipelineConfig config, bool resume) =>
        new Trainer(config, data.Train, data.Test, _ => { }).Run("nobn", config.Training.OutputDirectory, resume, NoProgress.Instance).Model.Dispose();
}
