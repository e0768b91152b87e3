// All parameters of one network description as plain arrays, checked against the description: every
// conv/linear layer has a weight of its shape and a bias exactly when the layer declares one, every
// BatchNorm layer has statistics for its channels, and every value is finite. DescriptionGraph turns
// it into the exporter's graph; RandomWeights builds one for tests.
using MnistBn.Network.Description;
using MnistBn.OnnxExport.Weights;

namespace MnistBn.Network.Weights;

/// <summary>The weights of <see cref="Description"/>, keyed by layer name.</summary>
public sealed class NetworkWeights
{
    private readonly Dictionary<string, LayerWeights> _layers;
    private readonly Dictionary<string, BatchNormStatistics> _norms;

    /// <param name="description">The network the weights belong to.</param>
    /// <param name="layers">One entry per conv/linear layer, keyed by its name.</param>
    /// <param name="norms">One entry per BatchNorm layer, keyed by its name.</param>
    /// <exception cref="InvalidDataException">An entry is missing, extra, or does not fit its layer; the message names it.</exception>
    public NetworkWeights(
        NetworkDescription description,
        IReadOnlyDictionary<string, LayerWeights> layers,
        IReadOnlyDictionary<string, BatchNormStatistics> norms)
    {
        Description = description;
        _layers = new Dictionary<string, LayerWeights>(layers, StringComparer.Ordinal);
        _norms = new Dictionary<string, BatchNormStatistics>(norms, StringComparer.Ordinal);
        foreach (var layer in description.Layers)
        {
            switch (layer)
            {
                case ConvLayer c:
                    CheckLayer(c.Name, c.WeightShape, c.Bias);
                    break;
                case LinearLayer l:
                    CheckLayer(l.Name, l.WeightShape, l.Bias);
                    break;
                case BatchNormLayer b:
                    CheckNorm(b);
                    break;
            }
        }
        var known = description.Layers.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        var extra = _layers.Keys.Concat(_norms.Keys).FirstOrDefault(k => !known.Contains(k));
        if (extra is not null)
            throw Problem($"weights for '{extra}', which is not a layer of the network");
    }

    /// <summary>The network these weights belong to.</summary>
    public NetworkDescription Description { get; }

    /// <summary>The weights of the conv or linear layer <paramref name="name"/>.</summary>
    public LayerWeights Layer(string name) => _layers[name];

    /// <summary>The statistics of the BatchNorm layer <paramref name="name"/>.</summary>
    public BatchNormStatistics Norm(string name) => _norms[name];

    private void CheckLayer(string name, int[] shape, bool hasBias)
    {
        if (!_layers.TryGetValue(name, out var layer))
            throw Problem($"no weights for layer '{name}'");
        if (!layer.Shape.SequenceEqual(shape))
            throw Problem($"{name}.weight has shape {LayerShapes.Format(layer.Shape)}, expected {LayerShapes.Format(shape)}");
        var length = shape.Aggregate(1, (a, b) => a * b);
        if (layer.Weight.Length != length)
            throw Problem($"{name}.weight has {layer.Weight.Length} values, but its shape {LayerShapes.Format(shape)} needs {length}");
        CheckFinite($"{name}.weight", layer.Weight);
        if (hasBias != layer.Bias is not null)
            throw Problem(hasBias ? $"{name} declares a bias, but no bias was given" : $"{name} has no bias in the network, but a bias was given");
        if (layer.Bias is null)
            return;
        if (layer.Bias.Length != shape[0])
            throw Problem($"{name}.bias has {layer.Bias.Length} values, expected {shape[0]}");
        CheckFinite($"{name}.bias", layer.Bias);
    }

    private void CheckNorm(BatchNormLayer layer)
    {
        if (!_norms.TryGetValue(layer.Name, out var norm))
            throw Problem($"no statistics for BatchNorm layer '{layer.Name}'");
        foreach (var (part, values) in new[] { ("weight", norm.Gamma), ("bias", norm.Beta), ("running_mean", norm.RunningMean), ("running_var", norm.RunningVar) })
        {
            if (values.Length != layer.Features)
                throw Problem($"{layer.Name}.{part} has {values.Length} values, expected {layer.Features} (one per channel)");
            CheckFinite($"{layer.Name}.{part}", values);
        }
        if (!float.IsFinite(norm.Epsilon) || norm.Epsilon <= 0)
            throw Problem($"{layer.Name} epsilon must be a positive number, got {norm.Epsilon}");
        // A negative variance cannot come from real statistics and would make the square root NaN.
        var negative = Array.FindIndex(norm.RunningVar, v => v < 0);
        if (negative >= 0)
            throw Problem($"{layer.Name}.running_var[{negative}] is negative ({norm.RunningVar[negative]})");
    }

    private void CheckFinite(string name, float[] values)
    {
        var bad = Array.FindIndex(values, v => !float.IsFinite(v));
        if (bad >= 0)
            throw Problem($"{name}[{bad}] is {values[bad]}; every value must be finite");
    }

    private InvalidDataException Problem(string message) => new($"{Description.Name} weights: {message}");
}
