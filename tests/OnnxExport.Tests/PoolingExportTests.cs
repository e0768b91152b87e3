// MaxPool2d and AvgPool2d with padding, strides, dilation, ceil_mode and count_include_pad, and
// AdaptiveAvgPool2d(1), on odd sizes where ceil_mode and padding change the windows.
using MnistBn.OnnxExport.Tests.Support;
using MnistBn.OnnxExport.TorchSharp;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests;

public sealed class PoolingExportTests
{
    [Theory, ExportSettings]
    public void MaxPool2d_2x2_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.MaxPool2d(2)), [3, 9, 10], opset, fold);

    [Theory, ExportSettings]
    public void MaxPool2d_with_padding_stride_and_ceil_mode_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.MaxPool2d(3, stride: 2, padding: 1, ceil_mode: true)), [3, 14, 15], opset, fold);

    [Theory, ExportSettings]
    public void MaxPool2d_with_dilation_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.MaxPool2d(2, stride: 1, dilation: 2)), [2, 9, 9], opset, fold);

    [Theory, ExportSettings]
    public void MaxPool2d_with_rectangular_kernel_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.MaxPool2d((2, 3), stride: (2, 1))), [2, 8, 9], opset, fold);

    [Theory, ExportSettings]
    public void AvgPool2d_2x2_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.AvgPool2d(2)), [3, 8, 9], opset, fold);

    [Theory, ExportSettings]
    public void AvgPool2d_with_padding_counting_the_padded_zeros_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.AvgPool2d(3, stride: 2, padding: 1, count_include_pad: true)), [3, 9, 9], opset, fold);

    [Theory, ExportSettings]
    public void AvgPool2d_with_padding_not_counting_the_padded_zeros_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.AvgPool2d(3, stride: 2, padding: 1, count_include_pad: false)), [3, 9, 9], opset, fold);

    [Theory, ExportSettings]
    public void AvgPool2d_with_ceil_mode_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.AvgPool2d(2, stride: 2, ceil_mode: true)), [3, 9, 9], opset, fold);

    [Theory, ExportSettings]
    public void AvgPool2d_with_ceil_mode_padding_and_count_include_pad_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.AvgPool2d(3, stride: 2, padding: 1, ceil_mode: true, count_include_pad: true)), [3, 10, 10], opset, fold);

    [Theory, ExportSettings]
    public void AvgPool2d_with_ceil_mode_padding_without_count_include_pad_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.AvgPool2d(3, stride: 2, padding: 1, ceil_mode: true, count_include_pad: false)), [3, 10, 10], opset, fold);

    [Theory, ExportSettings]
    public void AdaptiveAvgPool2d_to_1_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.AdaptiveAvgPool2d(1)), [5, 7, 9], opset, fold);

    [Theory, ExportSettings]
    public void AdaptiveAvgPool2d_to_1x1_given_as_a_pair_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.AdaptiveAvgPool2d((1, 1))), [4, 6, 6], opset, fold);

    [Theory, ExportSettings]
    public void MaxPool2d_whose_last_ceil_mode_window_would_start_in_the_padding_matches_eager_or_is_refused_with_its_path(int opset, bool fold)
    {
        // Size 5, kernel 2, stride 2, padding 1, ceil_mode: PyTorch drops the 4th window (it would start in the end padding).
        var model = Seeded.Eval(() => nn.Sequential(("pool", nn.MaxPool2d(2, stride: 2, padding: 1, ceil_mode: true))));
        var refused = Record.Exception(() => model.ToOnnxModel([2, 5, 5]));
        if (refused is null)
            EagerVsOnnx.AssertMatches(model, [2, 5, 5], opset, fold);
        else
            Assert.StartsWith("pool: ", Assert.IsType<NotSupportedException>(refused).Message);
    }

    [Fact]
    public void AvgPool2d_with_divisor_override_is_refused_with_its_path()
    {
        var model = Seeded.Eval(() => nn.Sequential(("pool", nn.AvgPool2d(2, divisor_override: 3))));
        Assert.StartsWith("pool: ", Assert.Throws<NotSupportedException>(() => model.ToOnnxModel([2, 4, 4])).Message);
    }
}
