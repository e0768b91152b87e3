// Shape inference for one layer: what it makes of one sample's shape, or an ArgumentException naming
// the network and the layer when the input does not fit it.
namespace MnistBn.Network.Description;

/// <summary>The output shape of each kind of layer.</summary>
public static class LayerShapes
{
    /// <summary>One sample's shape after <paramref name="layer"/> given <paramref name="input"/> (no batch dimension).</summary>
    public static int[] Output(string network, Layer layer, int[] input)
    {
        string Where() => $"{network}: layer '{layer.Name}' ({layer.GetType().Name}) gets an input {Format(input)}";
        switch (layer)
        {
            case ConvLayer conv:
                if (conv.Kernel < 1 || conv.Stride < 1 || conv.Padding < 0 || conv.OutChannels < 1)
                    throw new ArgumentException($"{network}: layer '{conv.Name}' needs kernel ≥ 1, stride ≥ 1, padding ≥ 0 and ≥ 1 output channel");
                if (input.Length != 3 || input[0] != conv.InChannels)
                    throw new ArgumentException($"{Where()}, expected [{conv.InChannels}, H, W]");
                var (h, w) = (Window(input[1] + 2 * conv.Padding, conv.Kernel, conv.Stride), Window(input[2] + 2 * conv.Padding, conv.Kernel, conv.Stride));
                if (h < 1 || w < 1)
                    throw new ArgumentException($"{Where()}, too small for a {conv.Kernel}×{conv.Kernel} kernel");
                return [conv.OutChannels, h, w];
            case LinearLayer linear:
                if (input.Length != 1 || input[0] != linear.InFeatures)
                    throw new ArgumentException($"{Where()}, expected [{linear.InFeatures}]{(input.Length > 1 ? " (flatten first)" : "")}");
                if (linear.OutFeatures < 1)
                    throw new ArgumentException($"{network}: layer '{linear.Name}' needs at least one output feature");
                return [linear.OutFeatures];
            case BatchNormLayer norm:
                if (input.Length is not (1 or 3) || input[0] != norm.Features)
                    throw new ArgumentException($"{Where()}, expected {norm.Features} channels or features on the first axis");
                if (norm.Momentum is <= 0 or > 1 || norm.Epsilon <= 0)
                    throw new ArgumentException($"{network}: layer '{norm.Name}' needs momentum in (0, 1] and a positive epsilon");
                return input;
            case MaxPoolLayer pool:
                if (input.Length != 3 || pool.Kernel < 1 || pool.Stride < 1)
                    throw new ArgumentException($"{Where()}, expected [C, H, W] and kernel, stride ≥ 1");
                var (ph, pw) = (Window(input[1], pool.Kernel, pool.Stride), Window(input[2], pool.Kernel, pool.Stride));
                if (ph < 1 || pw < 1)
                    throw new ArgumentException($"{Where()}, smaller than its {pool.Kernel}×{pool.Kernel} window");
                return [input[0], ph, pw];
            case FlattenLayer:
                return [input.Aggregate(1, (a, b) => a * b)];
            case ActivationLayer:
                return input;
            default:
                throw new ArgumentException($"{network}: layer '{layer.Name}' is a {layer.GetType().Name}, which no consumer knows");
        }
    }

    /// <summary>A shape as <c>[a, b, c]</c>.</summary>
    public static string Format(IEnumerable<int> shape) => $"[{string.Join(", ", shape)}]";

    private static int Window(int size, int kernel, int stride) => size < kernel ? 0 : (size - kernel) / stride + 1;
}
