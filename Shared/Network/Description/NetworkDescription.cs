// A sequential network as a value: the input's shape and the layers in order. Every consumer builds
// from it — Training's TorchSharp module, the weight extraction, the ONNX graph — so the network is
// declared once (Networks.cs) and the three cannot drift apart. The constructor checks that each
// layer fits the shape its predecessor produces, and names the layer when one does not.
namespace MnistBn.Network.Description;

/// <summary>A sequential network: an input of shape <see cref="InputShape"/> through <see cref="Layers"/>, ending in logits.</summary>
public sealed class NetworkDescription
{
    private readonly int[][] _outputShapes;

    /// <param name="name">A name for messages and the ONNX graph, e.g. <c>lenet-bn</c>.</param>
    /// <param name="inputShape">One sample's shape: [C, H, W] for images, [F] for features.</param>
    /// <param name="layers">In order; names must be unique.</param>
    /// <exception cref="ArgumentException">A layer does not fit its input, or a name repeats.</exception>
    public NetworkDescription(string name, int[] inputShape, IReadOnlyList<Layer> layers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        InputShape = [.. inputShape];
        Layers = [.. layers];
        var duplicate = Layers.GroupBy(l => l.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"{name}: the layer name '{duplicate.Key}' is used {duplicate.Count()} times");
        _outputShapes = new int[Layers.Count][];
        var shape = inputShape;
        for (var i = 0; i < Layers.Count; i++)
            shape = _outputShapes[i] = LayerShapes.Output(name, Layers[i], shape);
        if (shape.Length != 1)
            throw new ArgumentException($"{name}: the network must end in a vector of logits, but its output is {LayerShapes.Format(shape)}");
    }

    /// <summary>A name for messages and the ONNX graph.</summary>
    public string Name { get; }

    /// <summary>One sample's input shape (without the batch dimension).</summary>
    public IReadOnlyList<int> InputShape { get; }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<Layer> Layers { get; }

    /// <summary>Logits per sample.</summary>
    public int OutputFeatures => _outputShapes.Length > 0 ? _outputShapes[^1][0] : InputShape[0];

    /// <summary>One sample's shape after layer <paramref name="index"/>.</summary>
    public IReadOnlyList<int> OutputShape(int index) => _outputShapes[index];

    /// <summary>One sample's shape before layer <paramref name="index"/>.</summary>
    public IReadOnlyList<int> InputShapeOf(int index) => index == 0 ? InputShape : _outputShapes[index - 1];

    /// <summary>Whether any layer is a BatchNorm.</summary>
    public bool HasBatchNorm => Layers.Any(l => l is BatchNormLayer);

    /// <summary>The activation layers in order: hidden layer k (1-based) is the k-th.</summary>
    public IReadOnlyList<ActivationLayer> HiddenActivations => [.. Layers.OfType<ActivationLayer>()];

    /// <summary>
    /// The conv or linear layer that directly precedes <paramref name="norm"/> (the layer BatchNorm can be
    /// folded into), or null when something else comes first (an activation, a pooling, the input).
    /// </summary>
    public Layer? FoldTarget(BatchNormLayer norm)
    {
        var index = IndexOf(norm);
        return index > 0 && Layers[index - 1] is ConvLayer or LinearLayer ? Layers[index - 1] : null;
    }

    /// <summary>The position of <paramref name="layer"/> in <see cref="Layers"/>.</summary>
    public int IndexOf(Layer layer)
    {
        for (var i = 0; i < Layers.Count; i++)
        {
            if (ReferenceEquals(Layers[i], layer) || Layers[i] == layer)
                return i;
        }
        throw new ArgumentException($"{Name} has no layer '{layer.Name}'", nameof(layer));
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {string.Join(" → ", Layers.Select(l => l.Name))}";
}
