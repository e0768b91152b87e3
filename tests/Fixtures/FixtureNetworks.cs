// The network descriptions the exporter is tested on: LeNet in all three variants and the paper's MLP
// (as Shared/Network declares them), and one more shape neither of them has — three padded conv
// blocks, the last with stride 2 — so the exporter is shown to be general, not LeNet-specific.
using MnistBn.Network.Description;
using MnistBn.Shared;

namespace MnistBn.TestFixtures;

internal static class FixtureNetworks
{
    /// <summary>A momentum larger than pipeline.yaml's, so a few dozen steps move the running statistics well away from (0, 1).</summary>
    public static readonly BatchNormSettings BatchNorm = new(Momentum: 0.1, Epsilon: 1e-3);

    /// <summary>The names <see cref="ByName"/> knows, for theories over every tested network.</summary>
    public static readonly string[] Names = ["lenet-nobn", "lenet-bn", "lenet-bn-after", "mlp-nobn", "mlp-bn", "conv3-bn"];

    /// <summary><see cref="Names"/> as xUnit member data.</summary>
    public static TheoryData<string> All => [.. Names];

    /// <summary>The description called <paramref name="name"/> (one of <see cref="Names"/>).</summary>
    public static NetworkDescription ByName(string name) => name switch
    {
        _ when name.StartsWith("lenet-", StringComparison.Ordinal) => Networks.LeNet(name["lenet-".Length..], BatchNorm),
        _ when name.StartsWith("mlp-", StringComparison.Ordinal) => Networks.PaperMlp(name["mlp-".Length..], BatchNorm),
        "conv3-bn" => ThreeConvBlocks(),
        _ => throw new ArgumentException($"no fixture network '{name}'", nameof(name)),
    };

    /// <summary>The variant a fixture network stands for, for the model metadata.</summary>
    public static string VariantOf(NetworkDescription description) =>
        description.Name.EndsWith(VariantNames.BatchNormAfter, StringComparison.Ordinal) ? VariantNames.BatchNormAfter
        : description.HasBatchNorm ? VariantNames.BatchNorm
        : VariantNames.NoBatchNorm;

    /// <summary>
    /// [1, 28, 28] → conv 8 (pad 1) → BN → ReLU → pool (14) → conv 16 (pad 1) → BN → ReLU → pool (7)
    /// → conv 32 (pad 1, stride 2; 4×4) → BN → ReLU → flatten (512) → FC 10.
    /// </summary>
    public static NetworkDescription ThreeConvBlocks() => new(
        "conv3-bn",
        [ModelContract.Channels, ModelContract.Height, ModelContract.Width],
        [
            new ConvLayer("conv1", 1, 8, Kernel: 3, Padding: 1, Bias: false),
            Norm("bn1", 8),
            new ActivationLayer("relu1", ActivationFunction.Relu),
            new MaxPoolLayer("pool1", 2, 2),
            new ConvLayer("conv2", 8, 16, Kernel: 3, Padding: 1, Bias: false),
            Norm("bn2", 16),
            new ActivationLayer("relu2", ActivationFunction.Relu),
            new MaxPoolLayer("pool2", 2, 2),
            new ConvLayer("conv3", 16, 32, Kernel: 3, Stride: 2, Padding: 1, Bias: false),
            Norm("bn3", 32),
            new ActivationLayer("relu3", ActivationFunction.Relu),
            new FlattenLayer("flatten"),
            new LinearLayer("fc1", 32 * 4 * 4, ModelContract.ClassCount),
        ]);

    private static BatchNormLayer Norm(string name, int features) => new(name, features, BatchNorm.Momentum, BatchNorm.Epsilon);
}
