// What folding does to the graph: a BatchNorm that directly follows a conv or linear layer (and is
// that layer's only reader) disappears into its weights; any other BatchNorm stays a node; bn_folded
// says whether any BatchNormalization node is left. Folded models still match eager outputs.
using MnistBn.OnnxExport.Tests.Support;
using MnistBn.OnnxExport.TorchSharp;
using Onnx;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests;

public sealed class BatchNormFoldingTests
{
    private static readonly OnnxExportOptions Unfolded = new() { FoldBatchNorm = false };

    private static ModelProto Folded(nn.Module<Tensor, Tensor> module, long[] shape) => module.ToOnnxModel(shape);

    [Fact]
    public void Folded_model_has_no_BatchNormalization_node_where_BN_follows_conv_or_linear()
    {
        var model = Seeded.Trained(() => nn.Sequential(
            nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 4 * 4, 6), nn.BatchNorm1d(6)));
        var folded = Folded(model, [3, 6, 6]);
        Assert.Equal(0, OnnxGraph.Count(folded, "BatchNormalization"));
        Assert.Equal((1, 1), (OnnxGraph.Count(folded, "Conv"), OnnxGraph.Count(folded, "Gemm")));
        Assert.Equal("true", OnnxGraph.Metadata(folded)["bn_folded"]);
    }

    [Fact]
    public void Unfolded_model_keeps_one_BatchNormalization_node_per_BatchNorm()
    {
        var model = Seeded.Trained(() => nn.Sequential(
            nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 4 * 4, 6), nn.BatchNorm1d(6)));
        var unfolded = model.ToOnnxModel([3, 6, 6], Unfolded);
        Assert.Equal(2, OnnxGraph.Count(unfolded, "BatchNormalization"));
        Assert.Equal("false", OnnxGraph.Metadata(unfolded)["bn_folded"]);
    }

    [Fact]
    public void Unfolded_BatchNormalization_node_carries_the_module_epsilon_and_statistics()
    {
        var norm = nn.BatchNorm2d(4, eps: 1e-3);
        var model = Seeded.Trained(() => nn.Sequential(nn.Conv2d(3, 4, 3), norm));
        var unfolded = model.ToOnnxModel([3, 6, 6], Unfolded);
        var node = Assert.Single(OnnxGraph.Nodes(unfolded, "BatchNormalization"));
        Assert.Equal(1e-3f, node.Attribute.Single(a => a.Name == "epsilon").F, 1e-9f);
        var mean = unfolded.Graph.Initializer.Single(i => i.Name == node.Input[3]);
        Assert.Equal(norm.running_mean!.data<float>().ToArray(), Floats(mean));
    }

    [Theory, ExportSettings]
    public void BatchNorm_after_ReLU_stays_a_node_and_matches_eager_within_1e5(int opset, bool fold)
    {
        var model = Seeded.Trained(() => nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.BatchNorm2d(4)));
        var proto = model.ToOnnxModel([3, 6, 6], EagerVsOnnx.Options(opset, fold));
        Assert.Equal(1, OnnxGraph.Count(proto, "BatchNormalization"));
        Assert.Equal("false", OnnxGraph.Metadata(proto)["bn_folded"]);
        EagerVsOnnx.AssertMatches(model, [3, 6, 6], opset, fold);
    }

    [Theory, ExportSettings]
    public void BatchNorm_whose_conv_output_is_also_read_by_a_residual_add_stays_a_node(int opset, bool fold)
    {
        var model = Seeded.Trained(() => nn.Sequential(nn.Conv2d(3, 4, 3), new Residual(nn.BatchNorm2d(4))));
        Assert.Equal(1, OnnxGraph.Count(model.ToOnnxModel([3, 6, 6], EagerVsOnnx.Options(opset, fold)), "BatchNormalization"));
        EagerVsOnnx.AssertMatches(model, [3, 6, 6], opset, fold);
    }

    [Fact]
    public void Conv_without_bias_followed_by_BatchNorm_folds_into_a_conv_with_bias()
    {
        var model = Seeded.Trained(() => nn.Sequential(nn.Conv2d(3, 4, 3, bias: false), nn.BatchNorm2d(4)));
        var conv = Assert.Single(OnnxGraph.Nodes(Folded(model, [3, 6, 6]), "Conv"));
        Assert.Equal(3, conv.Input.Count);
        Assert.Equal(0, OnnxGraph.Count(Folded(model, [3, 6, 6]), "BatchNormalization"));
        Assert.True(EagerVsOnnx.MaxDelta(model, [3, 6, 6], EagerVsOnnx.Defaults) <= EagerVsOnnx.Tolerance);
    }

    [Fact]
    public void Grouped_conv_followed_by_BatchNorm_folds_and_matches_eager_within_1e5()
    {
        var model = Seeded.Trained(() => nn.Sequential(nn.Conv2d(4, 8, 3, groups: 4, padding: 1), nn.BatchNorm2d(8)));
        Assert.Equal(0, OnnxGraph.Count(Folded(model, [4, 6, 6]), "BatchNormalization"));
        Assert.True(EagerVsOnnx.MaxDelta(model, [4, 6, 6], EagerVsOnnx.Defaults) <= EagerVsOnnx.Tolerance);
    }

    [Fact]
    public void Folded_and_unfolded_models_agree_with_each_other()
    {
        var model = Seeded.Trained(Networks.ResidualNet);
        var (input, shape, _, _) = EagerVsOnnx.Eager(model, Networks.ResidualNetInput);
        var folded = OnnxRun.Run(Folded(model, Networks.ResidualNetInput), "input", input, shape)["output"].Values;
        var unfolded = OnnxRun.Run(model.ToOnnxModel(Networks.ResidualNetInput, Unfolded), "input", input, shape)["output"].Values;
        Assert.True(EagerVsOnnx.MaxAbsDiff(folded, unfolded) <= EagerVsOnnx.Tolerance);
    }

    private static float[] Floats(TensorProto tensor) =>
        tensor.RawData.IsEmpty ? [.. tensor.FloatData] : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
}
