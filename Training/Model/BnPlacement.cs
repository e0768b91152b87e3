// Where a network puts BatchNorm relative to each hidden activation, and the probe the covariate-shift
// experiment reads: the input to a hidden layer's activation function (the paper's Figure 1 quantity).
using static TorchSharp.torch;

namespace MnistBn.Training.Model;

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

/// <summary>A classifier whose hidden pre-activations can be read for one input batch.</summary>
public interface IPreActivationProbe
{
    /// <summary>Number of hidden layers (each followed by an activation).</summary>
    int HiddenLayerCount { get; }

    /// <summary>Units (channels for conv layers) of the 1-based hidden layer <paramref name="layer"/>.</summary>
    long HiddenUnits(int layer);

    /// <summary>
    /// The input to hidden layer <paramref name="layer"/>'s activation function, as [N, units] or
    /// [N, channels, H, W] — after BN for <see cref="BnPlacement.Before"/>, before it for <see cref="BnPlacement.After"/>.
    /// </summary>
    Tensor PreActivation(Tensor input, int layer);
}

/// <summary>One hidden layer's activation with BatchNorm placed as asked, optionally capturing the activation's input.</summary>
internal static class PlacedActivation
{
    /// <summary>
    /// Runs a forward pass (<paramref name="run"/>, given the capture callback for the probed layer) and
    /// returns the captured activation input; everything else the pass allocates is freed.
    /// </summary>
    public static Tensor Capture(int layer, int hiddenLayers, string model, Func<Action<Tensor>, Tensor> run)
    {
        if (layer < 1 || layer > hiddenLayers)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"{model} has hidden layers 1–{hiddenLayers}");
        Tensor? captured = null;
        using (var scope = NewDisposeScope())
        {
            run(x => captured = x.MoveToOuterDisposeScope());
        }
        return captured!;
    }

    public static Tensor Apply(Tensor x, BatchNorm? norm, BnPlacement placement, Func<Tensor, Tensor> activation, Action<Tensor>? capture)
    {
        switch (placement)
        {
            case BnPlacement.Before:
                var normalized = norm!.call(x);
                capture?.Invoke(normalized);
                return activation(normalized);
            case BnPlacement.After:
                capture?.Invoke(x);
                return norm!.call(activation(x));
            default:
                capture?.Invoke(x);
                return activation(x);
        }
    }
}
