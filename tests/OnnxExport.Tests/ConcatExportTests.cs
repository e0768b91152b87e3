// Concat: branches run on the same input and are joined on channels (ONNX Concat, axis 1); alone, with
// an Identity branch, with three branches of different widths, and in a net that goes on after it.
using MnistBn.OnnxExport.Tests.Support;
using MnistBn.OnnxExport.TorchSharp;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests;

public sealed class ConcatExportTests
{
    [Theory, ExportSettings]
    public void Concat_of_two_conv_branches_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => new Concat(nn.Conv2d(3, 4, 3, padding: 1), nn.Conv2d(3, 2, 1))), [3, 6, 6], opset, fold);

    [Theory, ExportSettings]
    public void Concat_with_an_identity_branch_passes_the_input_through(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => new Concat(nn.Identity(), nn.Sequential(nn.Conv2d(3, 5, 3, padding: 1), nn.ReLU()))), [3, 5, 5], opset, fold);

    [Theory, ExportSettings]
    public void Concat_of_three_branches_with_BatchNorm_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(() => new Concat(
            nn.Sequential(nn.Conv2d(3, 2, 1), nn.BatchNorm2d(2)),
            nn.Sequential(nn.Conv2d(3, 3, 3, padding: 1, bias: false), nn.BatchNorm2d(3), nn.ReLU()),
            nn.Sequential(nn.MaxPool2d(3, stride: 1, padding: 1), nn.Conv2d(3, 4, 1)))), [3, 6, 6], opset, fold);

    [Theory, ExportSettings]
    public void Concat_of_linear_branches_joins_features_and_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Sequential(new Concat(nn.Linear(6, 3), nn.Linear(6, 4)), nn.ReLU(), nn.Linear(7, 2))), [6], opset, fold);

    [Theory, ExportSettings]
    public void Concat_net_with_layers_after_the_join_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(Networks.ConcatNet), Networks.ConcatNetInput, opset, fold);

    [Fact]
    public void Concat_net_joins_on_channels_and_folds_every_BatchNorm()
    {
        var model = Seeded.Trained(Networks.ConcatNet).ToOnnxModel(Networks.ConcatNetInput);
        var concat = Assert.Single(OnnxGraph.Nodes(model, "Concat"));
        Assert.Equal(1, concat.Attribute.Single(a => a.Name == "axis").I);
        Assert.Equal(2, concat.Input.Count);
        Assert.Equal(0, OnnxGraph.Count(model, "BatchNormalization"));
    }

    [Theory, ExportSettings]
    public void Concat_whose_first_branch_starts_with_an_in_place_ReLU_matches_eager_or_is_refused(int opset, bool fold)
    {
        // Eagerly the second branch reads the input after the first branch's in-place ReLU changed it.
        var model = Seeded.Eval(() => new Concat(nn.Sequential(nn.ReLU(inplace: true), nn.Conv2d(3, 2, 1)), nn.Identity()));
        var refused = Record.Exception(() => model.ToOnnxModel([3, 4, 4]));
        if (refused is null)
            EagerVsOnnx.AssertMatches(model, [3, 4, 4], opset, fold);
        else
            Assert.IsType<InvalidOperationException>(refused);
    }
}
