// Every supported activation, alone on the input and between two convolutions, on inputs wide enough
// (σ = 4) to reach ReLU6's and Hardswish's clipping and LeakyReLU's and ELU's negative side.
using MnistBn.OnnxExport.Tests.Support;
using MnistBn.OnnxExport.TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests;

public sealed class ActivationExportTests
{
    public static TheoryData<string, int, bool> Activations => ExportSettingsAttribute.Cross(
        "ReLU", "ReLU6", "LeakyReLU", "LeakyReLU(0.2)", "ELU", "ELU(0.5)", "GELU", "GELU(tanh)", "SiLU", "Sigmoid", "Tanh", "Hardswish");

    [Theory, MemberData(nameof(Activations))]
    public void Activation_alone_on_the_input_matches_eager_within_1e5(string activation, int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => Create(activation)), [3, 7, 7], opset, fold, inputScale: 4);

    [Theory, MemberData(nameof(Activations))]
    public void Activation_between_convolutions_matches_eager_within_1e5(string activation, int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Sequential(nn.Conv2d(3, 6, 3), Create(activation), nn.Conv2d(6, 4, 3))), [3, 9, 9], opset, fold, inputScale: 4);

    [Theory, MemberData(nameof(Activations))]
    public void Activation_after_linear_matches_eager_within_1e5(string activation, int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Sequential(nn.Linear(12, 9), Create(activation))), [12], opset, fold, inputScale: 4);

    [Fact]
    public void GELU_approximations_export_different_graphs()
    {
        var exact = OnnxGraph.Count(Seeded.Eval(() => nn.GELU()).ToOnnxModel([4]), "Erf");
        var tanh = OnnxGraph.Count(Seeded.Eval(() => nn.GELU(GELU.Approximate.tanh)).ToOnnxModel([4]), "Erf");
        Assert.Equal((1, 0), (exact, tanh));
    }

    private static nn.Module<Tensor, Tensor> Create(string activation) => activation switch
    {
        "ReLU" => nn.ReLU(),
        "ReLU6" => nn.ReLU6(),
        "LeakyReLU" => nn.LeakyReLU(),
        "LeakyReLU(0.2)" => nn.LeakyReLU(0.2),
        "ELU" => nn.ELU(),
        "ELU(0.5)" => nn.ELU(0.5),
        "GELU" => nn.GELU(),
        "GELU(tanh)" => nn.GELU(GELU.Approximate.tanh),
        "SiLU" => nn.SiLU(),
        "Sigmoid" => nn.Sigmoid(),
        "Tanh" => nn.Tanh(),
        "Hardswish" => nn.Hardswish(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };
}
