// Folds inference-time BatchNorm into the conv/linear layer that directly precedes it:
//   W' = W·scale per output channel,  b' = b·scale + shift  (b = 0 without a bias),
// with scale = γ/√(σ² + ε) and shift = β − μ·scale per channel (BatchNormAffine). Computed in double
// and rounded once, so a folded graph differs from the unfolded one only by float32 rounding inside
// ONNX Runtime. A BatchNorm with no
// conv/linear right before it (e.g. after an activation) cannot be folded and stays a layer of its own.
namespace MnistBn.OnnxExport.Weights;

/// <summary>BatchNorm folding on plain arrays.</summary>
public static class BatchNormFolding
{
    /// <summary><paramref name="layer"/> with <paramref name="norm"/> folded in; the result always has a bias.</summary>
    /// <exception cref="InvalidDataException">The statistics are not one per output channel.</exception>
    public static LayerWeights Fold(LayerWeights layer, BatchNormStatistics norm)
    {
        var channels = layer.OutputChannels;
        if (norm.Channels != channels)
            throw new InvalidDataException($"BatchNorm folding: {norm.Channels} BatchNorm channels for a layer with {channels} outputs");
        var perChannel = layer.FanIn;
        var weight = new float[layer.Weight.Length];
        var bias = new float[channels];
        for (var c = 0; c < channels; c++)
        {
            var (scale, shift) = BatchNormAffine.Of(norm.Gamma[c], norm.Beta[c], norm.RunningMean[c], norm.RunningVar[c], norm.Epsilon);
            for (var k = c * perChannel; k < (c + 1) * perChannel; k++)
                weight[k] = (float)(layer.Weight[k] * scale);
            bias[c] = (float)((layer.Bias?[c] ?? 0.0) * scale + shift);
        }
        return new LayerWeights([.. layer.Shape], weight, bias);
    }
}
