// A module (or a configuration of a supported module) the exporter has no ONNX form for is refused
// with NotSupportedException, whose message starts with the module's path in the model ("features.2: ")
// so the user sees which layer to change; the root module's path is its class name.
using MnistBn.OnnxExport.Tests.Support;
using MnistBn.OnnxExport.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests;

public sealed class UnsupportedModuleRefusalTests
{
    public static TheoryData<string> UnsupportedLayers => ["Upsample", "PReLU", "LayerNorm"];

    [Theory, MemberData(nameof(UnsupportedLayers))]
    public void Unsupported_module_inside_features_is_refused_with_its_path(string layer)
    {
        var model = Seeded.Eval(() => nn.Sequential(
            ("features", nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), Unsupported(layer))),
            ("flatten", nn.Flatten())));
        var error = Assert.Throws<NotSupportedException>(() => model.ToOnnxModel([3, 8, 8]));
        Assert.StartsWith("features.2: ", error.Message);
        Assert.Contains(layer, error.Message);
        Assert.Contains("not supported", error.Message);
    }

    [Fact]
    public void Unsupported_root_module_is_refused_with_its_class_name()
    {
        var error = Assert.Throws<NotSupportedException>(() => Seeded.Eval(() => nn.PReLU(1)).ToOnnxModel([4]));
        Assert.StartsWith("PReLU: ", error.Message);
    }

    [Fact]
    public void Flatten_from_the_batch_axis_is_refused()
    {
        var model = Seeded.Eval(() => nn.Sequential(("conv", nn.Conv2d(1, 2, 3)), ("flatten", nn.Flatten(0))));
        Assert.StartsWith("flatten: ", Assert.Throws<NotSupportedException>(() => model.ToOnnxModel([1, 5, 5])).Message);
    }

    [Fact]
    public void Flatten_that_keeps_trailing_axes_is_refused()
    {
        var model = Seeded.Eval(() => nn.Sequential(("conv", nn.Conv2d(1, 2, 3)), ("flatten", nn.Flatten(1, 2))));
        Assert.StartsWith("flatten: ", Assert.Throws<NotSupportedException>(() => model.ToOnnxModel([1, 5, 5])).Message);
    }

    [Fact]
    public void AdaptiveAvgPool2d_to_more_than_1x1_is_refused()
    {
        var model = Seeded.Eval(() => nn.Sequential(("conv", nn.Conv2d(1, 2, 3)), ("pool", nn.AdaptiveAvgPool2d(2))));
        var error = Assert.Throws<NotSupportedException>(() => model.ToOnnxModel([1, 8, 8]));
        Assert.StartsWith("pool: ", error.Message);
    }

    [Fact]
    public void Conv2d_with_reflect_padding_is_refused()
    {
        var model = Seeded.Eval(() => nn.Sequential(("conv", nn.Conv2d(1, 2, 3, padding: 1, padding_mode: PaddingModes.Reflect))));
        Assert.StartsWith("conv: ", Assert.Throws<NotSupportedException>(() => model.ToOnnxModel([1, 6, 6])).Message);
    }

    [Fact]
    public void Linear_on_a_rank_3_input_is_refused_with_its_path()
    {
        var model = Seeded.Eval(() => nn.Sequential(("conv", nn.Conv1d(2, 3, 1)), ("fc", nn.Linear(5, 4))));
        Assert.StartsWith("fc: ", Assert.Throws<NotSupportedException>(() => model.ToOnnxModel([2, 5])).Message);
    }

    [Fact]
    public void BatchNorm_without_running_statistics_is_refused_with_its_path()
    {
        var model = Seeded.Eval(() => nn.Sequential(("conv", nn.Conv2d(1, 2, 3)), ("bn", nn.BatchNorm2d(2, track_running_stats: false))));
        Assert.StartsWith("bn: ", Assert.Throws<NotSupportedException>(() => model.ToOnnxModel([1, 5, 5])).Message);
    }

    [Fact]
    public void Float64_model_is_refused()
    {
        var model = Seeded.Eval(() => nn.Linear(3, 2));
        model.to(ScalarType.Float64);
        Assert.Throws<NotSupportedException>(() => model.ToOnnxModel([3]));
    }

    private static nn.Module<Tensor, Tensor> Unsupported(string layer) => layer switch
    {
        "Upsample" => nn.Upsample(scale_factor: [2.0, 2.0]),
        "PReLU" => nn.PReLU(1),
        "LayerNorm" => nn.LayerNorm([4, 6, 6]),
        _ => throw new ArgumentOutOfRangeException(nameof(layer), layer, null),
    };
}
