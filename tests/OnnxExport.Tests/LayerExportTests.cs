// The structural layers: Linear (with and without bias), Flatten, Dropout/Dropout2d and Identity (no-ops
// in eval mode), Softmax/LogSoftmax, and Sequential nested several levels deep with named children.
using MnistBn.OnnxExport.Tests.Support;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests;

public sealed class LayerExportTests
{
    [Theory, ExportSettings]
    public void Linear_alone_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Linear(16, 7)), [16], opset, fold);

    [Theory, ExportSettings]
    public void Linear_without_bias_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Linear(16, 7, hasBias: false)), [16], opset, fold);

    [Theory, ExportSettings]
    public void Flatten_of_a_conv_map_then_linear_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Sequential(nn.Conv2d(2, 3, 3), nn.Flatten(), nn.Linear(3 * 5 * 6, 4))), [2, 7, 8], opset, fold);

    [Theory, ExportSettings]
    public void Flatten_alone_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Flatten()), [3, 4, 5], opset, fold);

    [Theory, ExportSettings]
    public void Dropout_and_Dropout2d_in_eval_mode_pass_values_through(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Sequential(
            nn.Conv2d(3, 4, 3), nn.Dropout2d(0.5), nn.Flatten(), nn.Dropout(0.5), nn.Linear(4 * 6 * 6, 3))), [3, 8, 8], opset, fold);

    [Theory, ExportSettings]
    public void Identity_alone_returns_the_input(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Identity()), [3, 4, 4], opset, fold);

    [Theory, ExportSettings]
    public void Identity_between_layers_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Sequential(nn.Linear(6, 5), nn.Identity(), nn.ReLU(), nn.Identity())), [6], opset, fold);

    [Theory, ExportSettings]
    public void Softmax_over_classes_after_linear_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Sequential(nn.Linear(8, 5), nn.Softmax(1))), [8], opset, fold, inputScale: 3);

    [Theory, ExportSettings]
    public void Softmax_over_the_last_axis_given_as_minus_1_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Sequential(nn.Linear(8, 5), nn.Softmax(-1))), [8], opset, fold, inputScale: 3);

    [Theory, ExportSettings]
    public void LogSoftmax_over_classes_after_linear_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Sequential(nn.Linear(8, 5), nn.LogSoftmax(1))), [8], opset, fold, inputScale: 3);

    [Theory, ExportSettings]
    public void Sequential_nested_three_levels_deep_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(() => nn.Sequential(
            nn.Sequential(nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4)), nn.ReLU()),
            nn.Sequential(nn.Flatten(), nn.Sequential(nn.Linear(4 * 6 * 6, 5))))), [3, 8, 8], opset, fold);

    [Theory, ExportSettings]
    public void Sequential_with_named_children_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(() => nn.Sequential(
            ("features", nn.Sequential(("conv", nn.Conv2d(1, 4, 3)), ("bn", nn.BatchNorm2d(4)), ("act", nn.ReLU()), ("pool", nn.MaxPool2d(2)))),
            ("head", nn.Sequential(("flat", nn.Flatten()), ("fc", nn.Linear(4 * 3 * 3, 10)))))), [1, 8, 8], opset, fold);

    [Theory, ExportSettings]
    public void Empty_Sequential_returns_the_input(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Sequential()), [2, 3], opset, fold);

    [Theory, ExportSettings]
    public void Softmax_over_the_channels_of_a_conv_map_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Sequential(nn.Conv2d(2, 4, 3), nn.Softmax(1))), [2, 5, 5], opset, fold, inputScale: 3);
}
