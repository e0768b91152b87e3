// Residual: body(x) + x, or body(x) + shortcut(x), as an ONNX Add; alone, nested, and in a two-block
// residual net with BatchNorm whose every BatchNorm folds (each follows a conv that nothing else reads).
using MnistBn.OnnxExport.Tests.Support;
using MnistBn.OnnxExport.TorchSharp;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests;

public sealed class ResidualExportTests
{
    [Theory, ExportSettings]
    public void Residual_with_identity_shortcut_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(() => new Residual(Networks.Body(4, 4, stride: 1))), [4, 6, 6], opset, fold);

    [Theory, ExportSettings]
    public void Residual_with_projection_shortcut_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(() => new Residual(
            Networks.Body(4, 6, stride: 2), nn.Sequential(nn.Conv2d(4, 6, 1, stride: 2, bias: false), nn.BatchNorm2d(6)))), [4, 7, 7], opset, fold);

    [Theory, ExportSettings]
    public void Residual_around_a_single_activation_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => new Residual(nn.Tanh())), [5], opset, fold);

    [Theory, ExportSettings]
    public void Residual_nested_in_a_residual_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(() => new Residual(nn.Sequential(
            new Residual(Networks.Body(4, 4, stride: 1), name: "inner"), nn.ReLU(), nn.Conv2d(4, 4, 1)), name: "outer")), [4, 6, 6], opset, fold);

    [Theory, ExportSettings]
    public void Two_block_residual_net_with_trained_BatchNorm_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(Networks.ResidualNet), Networks.ResidualNetInput, opset, fold);

    [Fact]
    public void Two_block_residual_net_folds_every_BatchNorm_and_adds_once_per_block()
    {
        var model = Seeded.Trained(Networks.ResidualNet).ToOnnxModel(Networks.ResidualNetInput);
        Assert.Equal(0, OnnxGraph.Count(model, "BatchNormalization"));
        Assert.Equal(2, OnnxGraph.Count(model, "Add"));
        Assert.Equal(1 + 2 + 2 + 1, OnnxGraph.Count(model, "Conv"));
        Assert.Equal("true", OnnxGraph.Metadata(model)["bn_folded"]);
    }

    [Fact]
    public void Two_block_residual_net_unfolded_keeps_all_six_BatchNorms()
    {
        var model = Seeded.Trained(Networks.ResidualNet).ToOnnxModel(Networks.ResidualNetInput, new OnnxExportOptions { FoldBatchNorm = false });
        Assert.Equal(1 + 2 + 2 + 1, OnnxGraph.Count(model, "BatchNormalization"));
        Assert.Equal("false", OnnxGraph.Metadata(model)["bn_folded"]);
    }

    public static TheoryData<string, bool> PassThroughParts => new()
    {
        { "Identity", false }, { "Identity", true }, { "Dropout", false }, { "Dropout", true }, { "empty Sequential", false }, { "empty Sequential", true },
    };

    [Theory, MemberData(nameof(PassThroughParts))]
    public void Residual_with_a_pass_through_body_or_shortcut_leaves_the_callers_input_alive_eagerly(string part, bool asShortcut)
    {
        nn.Module<Tensor, Tensor> PassThrough() => part switch
        {
            "Identity" => nn.Identity(),
            "Dropout" => nn.Dropout(0.5),
            _ => nn.Sequential(),
        };
        var block = Seeded.Eval(() => asShortcut ? new Residual(nn.Tanh(), PassThrough()) : new Residual(PassThrough()));
        using var x = randn(2, 3);
        var expected = asShortcut ? x.tanh() + x : x + x;
        using (no_grad())
        {
            using var y = block.call(x);
            Assert.True(y.allclose(expected));
        }
        Assert.Equal([2L, 3], x.shape); // still usable: the block did not dispose its caller's tensor
        Assert.True((x + 0).allclose(x));
    }
}
