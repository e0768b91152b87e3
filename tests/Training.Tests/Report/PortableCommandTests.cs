// PortableCommand: the command line a report records names repository paths relative to the root
// and keeps everything else as typed.
using MnistBn.Shared;
using MnistBn.Training.Report;

namespace MnistBn.Training.Tests.Report;

public sealed class PortableCommandTests
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "checkouts", "mnistbn");

    [Fact]
    public void Config_path_inside_the_repository_is_recorded_relative()
    {
        var command = PortableCommand.Of(["experiment", "all", "--config", Path.Combine(Root, "pipeline.yaml")], Root);

        Assert.Equal("mnistbn experiment all --config pipeline.yaml", command);
    }

    [Fact]
    public void Set_value_naming_a_directory_outside_the_repository_keeps_only_its_name()
    {
        var scratch = Path.Combine(Path.GetTempPath(), "rerun2", "seed1");

        var command = PortableCommand.Of(["experiment", "bn-placement", "--set", $"report.directory={scratch}"], Root);

        Assert.Equal($"mnistbn experiment bn-placement --set report.directory={RepositoryPaths.OutsidePrefix}seed1", command);
    }

    [Fact]
    public void Relative_tokens_and_list_values_are_recorded_as_typed()
    {
        string[] tokens = ["experiment", "lr-sweep", "--set", "report.directory=scratch/reports", "--set", "experiments.lr_sweep.learning_rates.sgd=[0.01, 0.1, 1]"];

        Assert.Equal("mnistbn " + string.Join(' ', tokens), PortableCommand.Of(tokens, Root));
    }

    [Fact]
    public void Old_record_rewritten_against_its_own_root_names_the_config_relative()
    {
        var old = $"mnistbn experiment all --config {Path.Combine(Root, "pipeline.yaml")} --set experiments.lr_sweep.learning_rates.sgd=[0.01, 0.1]";

        Assert.Equal("mnistbn experiment all --config pipeline.yaml --set experiments.lr_sweep.learning_rates.sgd=[0.01, 0.1]", PortableCommand.Rewrite(old, Root));
    }
}
