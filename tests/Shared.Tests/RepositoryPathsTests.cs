// RepositoryPaths.Portable: the form in which artefacts record a path, so that nothing committed
// holds a path of the machine that made it.
namespace MnistBn.Shared.Tests;

public sealed class RepositoryPathsTests
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "checkouts", "mnistbn");

    [Fact]
    public void Portable_path_inside_the_root_is_relative_with_forward_slashes()
    {
        var model = Path.Combine(Root, "models", "lenet-bn.onnx");

        Assert.Equal("models/lenet-bn.onnx", RepositoryPaths.Portable(Root, model));
    }

    [Fact]
    public void Portable_path_of_the_root_itself_is_a_dot() =>
        Assert.Equal(".", RepositoryPaths.Portable(Root, Root + Path.DirectorySeparatorChar));

    [Fact]
    public void Portable_path_of_a_relative_path_is_taken_from_the_root() =>
        Assert.Equal("reports/misclassified-bn.png", RepositoryPaths.Portable(Root, Path.Combine("reports", ".", "misclassified-bn.png")));

    [Fact]
    public void Portable_path_outside_the_root_keeps_only_its_name_behind_the_marker()
    {
        var scratch = Path.Combine(Path.GetTempPath(), "rerun2", "seed1");

        var recorded = RepositoryPaths.Portable(Root, scratch);

        Assert.Equal(RepositoryPaths.OutsidePrefix + "seed1", recorded);
        Assert.True(RepositoryPaths.IsOutside(recorded));
    }

    [Fact]
    public void Portable_path_of_a_sibling_whose_name_starts_like_the_root_is_outside() =>
        Assert.Equal(RepositoryPaths.OutsidePrefix + "pipeline.yaml", RepositoryPaths.Portable(Root, Path.Combine(Root + "-old", "pipeline.yaml")));

    [Fact]
    public void Portable_path_climbing_out_of_the_root_is_outside() =>
        Assert.Equal(RepositoryPaths.OutsidePrefix + "mnist", RepositoryPaths.Portable(Root, Path.Combine("..", "data", "mnist")));

    [Fact]
    public void Relative_path_inside_the_root_is_not_marked_outside() =>
        Assert.False(RepositoryPaths.IsOutside(RepositoryPaths.Portable(Root, "..data/x")));
}
