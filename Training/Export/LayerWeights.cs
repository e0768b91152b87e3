// One conv or linear layer as plain arrays (row-major, PyTorch layout: [out, in, kh, kw] or
// [out, in]) with its optional bias and the optional BatchNorm that follows it.
namespace MnistBn.Training.Export;

/// <summary>Weights of one conv/linear layer, its optional bias and the optional BatchNorm after it.</summary>
/// <param name="Shape">PyTorch layout: [out, in, kh, kw] for conv, [out, in] for linear.</param>
/// <param name="Weight">Row-major values; length is the product of <paramref name="Shape"/>.</param>
/// <param name="Bias">One value per output channel, or null when the layer has none.</param>
/// <param name="BatchNorm">Statistics of the BatchNorm applied to this layer's output, or null.</param>
public sealed record LayerWeights(int[] Shape, float[] Weight, float[]? Bias = null, BatchNormStatistics? BatchNorm = null)
{
    /// <summary>Output channels (conv) or output features (linear): the first dimension.</summary>
    public int OutputChannels => Shape.Length > 0 ? Shape[0] : 0;

    /// <summary>Weights per output channel: the product of all but the first dimension.</summary>
    public int FanIn => Shape.Skip(1).Aggregate(1, (a, b) => a * b);

    /// <summary>Throws <see cref="InvalidDataException"/> naming <paramref name="layer"/> unless this fits <paramref name="expectedShape"/>.</summary>
    internal void Validate(string layer, int[] expectedShape)
    {
        if (!Shape.SequenceEqual(expectedShape))
            throw new InvalidDataException($"LeNet weights: {layer}.weight has shape {Format(Shape)}, expected {Format(expectedShape)}");
        var expectedLength = expectedShape.Aggregate(1, (a, b) => a * b);
        if (Weight.Length != expectedLength)
            throw new InvalidDataException($"LeNet weights: {layer}.weight has {Weight.Length} values, but its shape {Format(Shape)} needs {expectedLength}");
        CheckFinite($"{layer}.weight", Weight);
        if (Bias is not null)
        {
            if (Bias.Length != OutputChannels)
                throw new InvalidDataException($"LeNet weights: {layer}.bias has {Bias.Length} values, expected {OutputChannels}");
            CheckFinite($"{layer}.bias", Bias);
        }
    }

    internal static void CheckFinite(string name, float[] values)
    {
        var bad = Array.FindIndex(values, v => !float.IsFinite(v));
        if (bad >= 0)
            throw new InvalidDataException($"LeNet weights: {name}[{bad}] is {values[bad]}; every value must be finite");
    }

    internal static string Format(IEnumerable<int> shape) => $"[{string.Join(", ", shape)}]";
}
