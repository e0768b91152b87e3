// Conv1d and Conv2d alone: every geometry the exporter reads from the module (kernel, stride,
// padding incl. Padding.Same, dilation, groups, bias) reproduces eager outputs in ONNX Runtime.
using MnistBn.OnnxExport.Tests.Support;
using MnistBn.OnnxExport.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests;

public sealed class ConvolutionExportTests
{
    [Theory, ExportSettings]
    public void Conv2d_3x3_with_bias_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Conv2d(3, 8, 3)), [3, 12, 12], opset, fold);

    [Theory, ExportSettings]
    public void Conv2d_without_bias_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Conv2d(3, 8, 3, bias: false)), [3, 12, 12], opset, fold);

    [Theory, ExportSettings]
    public void Conv2d_with_stride_and_padding_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Conv2d(3, 6, 5, stride: 2, padding: 2)), [3, 15, 15], opset, fold);

    [Theory, ExportSettings]
    public void Conv2d_with_rectangular_kernel_stride_and_padding_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Conv2d(2, 4, (3, 5), stride: (1, 2), padding: (1, 2))), [2, 10, 13], opset, fold);

    [Theory, ExportSettings]
    public void Conv2d_with_same_padding_keeps_the_spatial_size_and_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Conv2d(3, 5, 3, Padding.Same)), [3, 9, 11], opset, fold);

    [Theory, ExportSettings]
    public void Conv2d_with_same_padding_and_even_kernel_pads_the_end_more_like_eager(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Conv2d(3, 4, 4, Padding.Same)), [3, 8, 8], opset, fold);

    [Theory, ExportSettings]
    public void Conv2d_with_same_padding_and_dilation_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Conv2d(3, 4, 3, Padding.Same, dilation: 2)), [3, 10, 10], opset, fold);

    [Theory, ExportSettings]
    public void Conv2d_with_groups_and_dilation_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Conv2d(4, 8, 3, padding: 2, dilation: 2, groups: 2)), [4, 12, 12], opset, fold);

    [Theory, ExportSettings]
    public void Conv2d_depthwise_without_bias_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Conv2d(6, 6, 3, padding: 1, groups: 6, bias: false)), [6, 8, 8], opset, fold);

    [Theory, ExportSettings]
    public void Conv1d_with_stride_padding_and_dilation_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Conv1d(3, 5, 3, stride: 2, padding: 2, dilation: 2)), [3, 20], opset, fold);

    [Theory, ExportSettings]
    public void Conv1d_with_same_padding_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Conv1d(2, 4, 4, Padding.Same)), [2, 17], opset, fold);

    [Theory, ExportSettings]
    public void Conv1d_grouped_without_bias_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Conv1d(4, 6, 3, groups: 2, bias: false)), [4, 16], opset, fold);

    [Fact]
    public void Conv2d_exports_as_one_Conv_node_with_the_module_geometry()
    {
        var conv = Seeded.Eval(() => nn.Conv2d(4, 8, 3, stride: 2, padding: 1, dilation: 2, groups: 2));
        var node = Assert.Single(OnnxGraph.Nodes(conv.ToOnnxModel([4, 16, 16]), "Conv"));
        long[] Ints(string name) => [.. node.Attribute.Single(a => a.Name == name).Ints];
        Assert.Equal([3L, 3], Ints("kernel_shape"));
        Assert.Equal([2L, 2], Ints("strides"));
        Assert.Equal([1L, 1, 1, 1], Ints("pads"));
        Assert.Equal([2L, 2], Ints("dilations"));
        Assert.Equal(2, node.Attribute.Single(a => a.Name == "group").I);
    }
}
