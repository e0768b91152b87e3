// `mnistbn experiment` end to end: one command writes an experiment's JSON, Markdown, charts and the
// index; a config without an experiments section and an unknown experiment name fail cleanly.
using MnistBn.Shared;

namespace MnistBn.Training.Tests.Experiments;

public sealed class ExperimentCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mnistbn-experiment-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // A bn-placement run small enough for a unit test: one epoch, one momentum, <paramref name="images"/> images.
    private static string[] TinyBnPlacement(int images) =>
    [
        "--set", $"experiments.bn_placement.train_subset={images}",
        "--set", "experiments.bn_placement.epochs=1",
        "--set", "experiments.bn_placement.batch_size=64",
        "--set", "experiments.bn_placement.momentums=[0.1]",
        "--set", $"experiments.test_subset={images}",
        // torch's thread count is process-wide: keep the 2 that every other test of this assembly uses.
        "--set", "experiments.threads=2",
    ];

    [Fact]
    public void Bn_placement_command_writes_its_files_and_the_index_under_report_directory()
    {
        var (exitCode, error) = Run(["experiment", "bn-placement",
            "--set", $"report.directory={_directory}",
            .. TinyBnPlacement(256)]);

        Assert.True(exitCode == 0, error);
        var experiments = Path.Combine(_directory, "experiments");
        foreach (var file in new[] { "bn-placement.json", "bn-placement.md", "bn-placement.png", "bn-placement.svg", "README.md" })
            Assert.True(File.Exists(Path.Combine(experiments, file)), file);
        Assert.Contains("experiments.bn_placement.momentums=[0.1]", File.ReadAllText(Path.Combine(experiments, "bn-placement.md")));
    }

    [Fact]
    public void Recorded_command_names_the_config_relative_to_the_repository_and_no_scratch_path()
    {
        var config = Path.Combine(RepositoryPaths.FindRoot(), RepositoryPaths.ConfigFileName);
        var (exitCode, error) = Run(["experiment", "bn-placement",
            "--config", config,
            "--set", $"report.directory={_directory}",
            .. TinyBnPlacement(128)]);

        Assert.True(exitCode == 0, error);
        var experiments = Path.Combine(_directory, "experiments");
        var expected = $"mnistbn experiment bn-placement --config pipeline.yaml --set report.directory={RepositoryPaths.OutsidePrefix}{Path.GetFileName(_directory)} ";
        foreach (var file in new[] { "bn-placement.json", "bn-placement.md", "README.md" })
        {
            var text = File.ReadAllText(Path.Combine(experiments, file));
            Assert.Contains(expected, text);
            Assert.DoesNotContain(config, text);
            Assert.DoesNotContain(_directory, text);
        }
    }

    [Fact]
    public void Report_command_renders_an_old_experiment_page_again_with_its_config_path_relative()
    {
        var (exitCode, error) = Run(["experiment", "bn-placement",
            "--set", $"report.directory={_directory}",
            .. TinyBnPlacement(128)]);
        Assert.True(exitCode == 0, error);
        // As records were written before paths were made portable: the checkout's absolute --config path.
        var oldRoot = Path.Combine(Path.GetTempPath(), "elsewhere", "checkout");
        var json = Path.Combine(_directory, "experiments", "bn-placement.json");
        File.WriteAllText(json, File.ReadAllText(json).Replace("mnistbn experiment bn-placement ", $"mnistbn experiment bn-placement --config {oldRoot}/pipeline.yaml ", StringComparison.Ordinal));

        (exitCode, error) = Run("report", "--recorded-root", oldRoot,
            "--set", $"report.directory={_directory}", "--set", $"export.directory={Path.Combine(_directory, "no-models")}");

        Assert.True(exitCode == 0, error);
        foreach (var file in new[] { "bn-placement.json", "bn-placement.md", "README.md" })
        {
            var text = File.ReadAllText(Path.Combine(_directory, "experiments", file));
            Assert.Contains("mnistbn experiment bn-placement --config pipeline.yaml --set", text);
            Assert.DoesNotContain(oldRoot, text);
        }
    }

    [Fact]
    public void Config_without_an_experiments_section_fails_with_one_line()
    {
        var yaml = File.ReadAllText(Path.Combine(RepositoryPaths.FindRoot(), RepositoryPaths.ConfigFileName));
        var config = Path.Combine(_directory, "pipeline.yaml");
        File.WriteAllText(config, yaml[..(yaml.IndexOf("\nexperiments:", StringComparison.Ordinal) + 1)]);

        var (exitCode, error) = Run("experiment", "all", "--config", config);

        Assert.Equal(1, exitCode);
        Assert.Contains("error: pipeline.yaml has no 'experiments' section", error);
    }

    [Fact]
    public void Unknown_experiment_name_is_rejected_by_the_parser()
    {
        var (exitCode, _) = Run("experiment", "batch-size-sweep");
        Assert.NotEqual(0, exitCode);
    }

    private static (int ExitCode, string Error) Run(params string[] args) => CliHarness.Run(args);
}
