// Folds inference-time BatchNorm into the preceding conv/linear layer:
//   W' = W·γ/√(σ²+ε) per output channel,  b' = β + (b − μ)·γ/√(σ²+ε)  (b = 0 without a bias).
// Computed in double and rounded once, so the folded graph differs from the unfolded one only by
// float32 rounding inside ONNX Runtime.
namespace MnistBn.Training.Export;

/// <summary>BatchNorm folding on plain arrays.</summary>
public static class BatchNormFolding
{
    /// <summary>The layer with its BatchNorm folded in (always with a bias, no BatchNorm); unchanged if it has none.</summary>
    public static LayerWeights Fold(LayerWeights layer)
    {
        if (layer.BatchNorm is not { } norm)
            return layer;
        var channels = layer.OutputChannels;
        if (norm.Channels != channels)
            throw new InvalidDataException($"BatchNorm folding: {norm.Channels} BatchNorm channels for a layer with {channels} outputs");
        var perChannel = layer.FanIn;
        var weight = new float[layer.Weight.Length];
        var bias = new float[channels];
        for (var c = 0; c < channels; c++)
        {
            var scale = norm.Gamma[c] / Math.Sqrt((double)norm.RunningVar[c] + norm.Epsilon);
            for (var k = c * perChannel; k < (c + 1) * perChannel; k++)
                weight[k] = (float)(layer.Weight[k] * scale);
            var b = layer.Bias?[c] ?? 0.0;
            bias[c] = (float)(norm.Beta[c] + (b - norm.RunningMean[c]) * scale);
        }
        return new LayerWeights((int[])layer.Shape.Clone(), weight, bias, BatchNorm: null);
    }

    /// <summary>All layers folded: the same function at inference, with no BatchNorm left.</summary>
    public static LeNetWeights Fold(LeNetWeights weights)
    {
        var folded = weights.Layers.Select(Fold).ToArray();
        return new LeNetWeights(folded[0], folded[1], folded[2], folded[3], folded[4]);
    }
}
