// The networks of the project, each declared once:
// - LeNet as the study describes it: input [1, 28, 28] → conv3×3 6 (26×26) → [BN] → ReLU → maxpool 2
//   (13×13) → conv3×3 16 (11×11) → [BN] → ReLU → maxpool 2 (5×5) → flatten (C, H, W order, 400) →
//   FC 120 → [BN] → ReLU → FC 84 → [BN] → ReLU → FC 10 logits.
// - The Batch Normalization paper's own MNIST network (Ioffe & Szegedy 2015, §4.1): 784 → three hidden
//   layers of 100 sigmoid units → 10 logits.
// A variant places BatchNorm before each hidden activation (`bn`, the paper's and the study's), after it
// (`bn-after`, an ablation), or nowhere (`nobn`). A layer that directly feeds a BatchNorm has no bias
// (BN's shift β subsumes it); with BN after the activation it keeps its bias.
using MnistBn.Shared;

namespace MnistBn.Network.Description;

/// <summary>BatchNorm's place in each hidden layer.</summary>
public enum BnPlacement
{
    /// <summary>No BatchNorm: layer → activation, biases everywhere.</summary>
    None,

    /// <summary>layer (no bias) → BN → activation: the paper's and the study's placement.</summary>
    Before,

    /// <summary>layer → activation → BN: the ablation's alternative (the layer keeps its bias).</summary>
    After,
}

/// <summary>The momentum and epsilon every BatchNorm layer of a network gets.</summary>
public sealed record BatchNormSettings(double Momentum, double Epsilon);

/// <summary>LeNet and the paper's MLP as <see cref="NetworkDescription"/>s.</summary>
public static class Networks
{
    /// <summary>LeNet's features after pool2, flattened in (C, H, W) order: 16·5·5.</summary>
    public const int LeNetFlattenedFeatures = 16 * 5 * 5;

    /// <summary>Units in each of the MLP's hidden layers, as in the paper.</summary>
    public const int MlpHiddenWidth = 100;

    /// <summary>The placement a variant name (<see cref="VariantNames"/>) stands for.</summary>
    /// <exception cref="ArgumentException">An unknown variant name.</exception>
    public static BnPlacement Placement(string variant) => variant switch
    {
        VariantNames.NoBatchNorm => BnPlacement.None,
        VariantNames.BatchNorm => BnPlacement.Before,
        VariantNames.BatchNormAfter => BnPlacement.After,
        _ => throw new ArgumentException(
            $"unknown model variant '{variant}' (expected {string.Join(", ", VariantNames.Experiments.Select(v => $"'{v}'"))})", nameof(variant)),
    };

    /// <summary>The variant name (<see cref="VariantNames"/>) of a placement: the inverse of <see cref="Placement"/>.</summary>
    public static string VariantName(BnPlacement placement) => placement switch
    {
        BnPlacement.None => VariantNames.NoBatchNorm,
        BnPlacement.Before => VariantNames.BatchNorm,
        BnPlacement.After => VariantNames.BatchNormAfter,
        _ => throw new ArgumentOutOfRangeException(nameof(placement), placement, "not a BatchNorm placement"),
    };

    /// <summary>LeNet's name for a variant, <c>lenet-&lt;variant&gt;</c>: the name of its description and of its model file.</summary>
    public static string LeNetName(string variant) => $"lenet-{variant}";

    /// <summary>The study's LeNet for a variant name (<c>nobn</c>, <c>bn</c>, <c>bn-after</c>).</summary>
    /// <exception cref="ArgumentException">An unknown variant name.</exception>
    public static NetworkDescription LeNet(string variant, BatchNormSettings batchNorm) => LeNet(Placement(variant), batchNorm);

    /// <summary>The study's LeNet with BatchNorm at <paramref name="placement"/>, named <see cref="LeNetName"/>.</summary>
    public static NetworkDescription LeNet(BnPlacement placement, BatchNormSettings batchNorm)
    {
        var hidden = new HiddenLayers(placement, batchNorm, ActivationFunction.Relu);
        List<Layer> layers =
        [
            .. hidden.Block(1, bias => new ConvLayer("conv1", ModelContract.Channels, 6, Kernel: 3, Bias: bias), 6),
            new MaxPoolLayer("pool1", 2, 2),
            .. hidden.Block(2, bias => new ConvLayer("conv2", 6, 16, Kernel: 3, Bias: bias), 16),
            new MaxPoolLayer("pool2", 2, 2),
            new FlattenLayer("flatten"),
            .. hidden.Block(3, bias => new LinearLayer("fc1", LeNetFlattenedFeatures, 120, bias), 120),
            .. hidden.Block(4, bias => new LinearLayer("fc2", 120, 84, bias), 84),
            new LinearLayer("fc3", 84, ModelContract.ClassCount),
        ];
        return new NetworkDescription(LeNetName(VariantName(placement)), [ModelContract.Channels, ModelContract.Height, ModelContract.Width], layers);
    }

    /// <summary>The paper's MLP for a variant name (<c>nobn</c>, <c>bn</c>, <c>bn-after</c>).</summary>
    /// <exception cref="ArgumentException">An unknown variant name.</exception>
    public static NetworkDescription PaperMlp(string variant, BatchNormSettings batchNorm) => PaperMlp(Placement(variant), batchNorm);

    /// <summary>The paper's 784-100-100-100-10 sigmoid MLP with BatchNorm at <paramref name="placement"/>, named <c>mlp-&lt;variant&gt;</c>.</summary>
    public static NetworkDescription PaperMlp(BnPlacement placement, BatchNormSettings batchNorm)
    {
        var hidden = new HiddenLayers(placement, batchNorm, ActivationFunction.Sigmoid);
        List<Layer> layers = [new FlattenLayer("flatten")];
        for (var k = 1; k <= 3; k++)
        {
            var (index, inputs) = (k, k == 1 ? ModelContract.PixelCount : MlpHiddenWidth);
            layers.AddRange(hidden.Block(index, bias => new LinearLayer($"fc{index}", inputs, MlpHiddenWidth, bias), MlpHiddenWidth));
        }
        layers.Add(new LinearLayer("fc4", MlpHiddenWidth, ModelContract.ClassCount));
        return new NetworkDescription($"mlp-{VariantName(placement)}", [ModelContract.Channels, ModelContract.Height, ModelContract.Width], layers);
    }

    /// <summary>One placement's hidden blocks: weights → [BN] → activation → [BN].</summary>
    private sealed record HiddenLayers(BnPlacement Placement, BatchNormSettings BatchNorm, ActivationFunction Activation)
    {
        /// <param name="k">The block's 1-based index: its layers are <c>bn&lt;k&gt;</c> and <c>relu&lt;k&gt;</c> (or <c>sigmoid&lt;k&gt;</c>).</param>
        /// <param name="weights">The conv or linear layer, given whether it has a bias.</param>
        /// <param name="units">Channels or features the block normalises.</param>
        public IEnumerable<Layer> Block(int k, Func<bool, Layer> weights, int units)
        {
            var norm = new BatchNormLayer($"bn{k}", units, BatchNorm.Momentum, BatchNorm.Epsilon);
            yield return weights(Placement != BnPlacement.Before);
            if (Placement == BnPlacement.Before)
                yield return norm;
            yield return new ActivationLayer($"{Activation.ToString().ToLowerInvariant()}{k}", Activation);
            if (Placement == BnPlacement.After)
                yield return norm;
        }
    }
}
