// The inference-time state of one BatchNorm layer as plain arrays: what folding and the unfolded
// BatchNormalization node need, and nothing TorchSharp-specific.
namespace MnistBn.Training.Export;

/// <summary>γ, β, running mean, running variance (PyTorch convention: used as-is at inference) and ε.</summary>
public sealed record BatchNormStatistics(float[] Gamma, float[] Beta, float[] RunningMean, float[] RunningVar, float Epsilon)
{
    /// <summary>Number of normalised channels (features).</summary>
    public int Channels => Gamma.Length;

    /// <summary>Throws <see cref="InvalidDataException"/> naming <paramref name="layer"/> when the statistics do not fit.</summary>
    internal void Validate(string layer, int channels)
    {
        CheckLength(layer, "gamma", Gamma, channels);
        CheckLength(layer, "beta", Beta, channels);
        CheckLength(layer, "running_mean", RunningMean, channels);
        CheckLength(layer, "running_var", RunningVar, channels);
        if (!float.IsFinite(Epsilon) || Epsilon <= 0)
            throw new InvalidDataException($"LeNet weights: {layer} epsilon must be a positive number, got {Epsilon}");
        for (var c = 0; c < channels; c++)
        {
            // A negative variance cannot come from real statistics and would make the square root NaN.
            if (RunningVar[c] < 0)
                throw new InvalidDataException($"LeNet weights: {layer}.running_var[{c}] is negative ({RunningVar[c]})");
        }
    }

    private static void CheckLength(string layer, string name, float[] values, int channels)
    {
        if (values.Length != channels)
            throw new InvalidDataException($"LeNet weights: {layer}.{name} has {values.Length} values, expected {channels} (one per output channel)");
        LayerWeights.CheckFinite($"{layer}.{name}", values);
    }
}
