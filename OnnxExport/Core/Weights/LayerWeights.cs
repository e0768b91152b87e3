// One conv or linear layer's parameters as plain arrays, in PyTorch's layout: weight [out, in, kh, kw]
// or [out, in], row-major, and the optional bias. What the TorchSharp module holds, without TorchSharp.
namespace MnistBn.OnnxExport.Weights;

/// <summary>Weights of one conv/linear layer and its optional bias.</summary>
/// <param name="Shape">PyTorch layout: [out, in, kh, kw] for conv, [out, in] for linear.</param>
/// <param name="Weight">Row-major values; length is the product of <paramref name="Shape"/>.</param>
/// <param name="Bias">One value per output channel, or null when the layer has none.</param>
public sealed record LayerWeights(int[] Shape, float[] Weight, float[]? Bias = null)
{
    /// <summary>Output channels (conv) or output features (linear): the first dimension.</summary>
    public int OutputChannels => Shape.Length > 0 ? Shape[0] : 0;

    /// <summary>Weights per output channel: the product of all but the first dimension.</summary>
    public int FanIn => Shape.Skip(1).Aggregate(1, (a, b) => a * b);
}
