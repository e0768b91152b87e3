// The issue's use case: a plain Sequential CNN with BatchNorm, trained (statistics set), put in eval
// mode and written with one ExportOnnx call; the file runs in ONNX Runtime like the module runs eagerly.
using MnistBn.OnnxExport.Tests.Support;
using MnistBn.OnnxExport.TorchSharp;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests;

public sealed class IssueModelExportTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public void Issue_model_exports_in_a_few_lines_and_the_file_matches_eager_within_1e5()
    {
        var model = TrainedBatchNorm.Randomise(Networks.IssueModel());
        model.eval();
        var path = model.ExportOnnx(_folder.File("model.onnx"), [1, 28, 28]);

        var (input, shape, expected, expectedShape) = EagerVsOnnx.Eager(model, Networks.IssueModelInput);
        var actual = OnnxRun.Run(path, "input", input, shape)["output"];
        Assert.Equal(expectedShape, actual.Shape);
        var delta = EagerVsOnnx.MaxAbsDiff(expected, actual.Values);
        Assert.True(delta <= EagerVsOnnx.Tolerance, $"max |eager − ORT| = {delta:G3}");
    }

    [Theory, ExportSettings]
    public void Issue_model_with_trained_BatchNorm_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(Networks.IssueModel), Networks.IssueModelInput, opset, fold);

    [Fact]
    public void Issue_model_folded_is_conv_relu_pool_twice_then_global_pool_flatten_gemm()
    {
        var model = Seeded.Trained(Networks.IssueModel).ToOnnxModel(Networks.IssueModelInput);
        Assert.Equal(
            ["Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "GlobalAveragePool", "Flatten", "Gemm"],
            model.Graph.Node.Select(n => n.OpType).Where(op => op != "Identity"));
    }

    public void Dispose() => _folder.Dispose();
}
