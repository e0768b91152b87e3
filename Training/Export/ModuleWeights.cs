// The one TorchSharp-specific step of ONNX export: copy a trained module's parameters into plain
// NetworkWeights. It reads the state_dict by the names the description gives (conv1.weight,
// bn1.running_var, …), so it works for any module built that way (NetworkModule, or a hand-written
// module that registers its submodules under the same names) and depends on no private field.
using MnistBn.Network.Description;
using MnistBn.Network.Weights;
using static TorchSharp.torch;

namespace MnistBn.Training.Export;

/// <summary>TorchSharp module → <see cref="NetworkWeights"/>.</summary>
public static class ModuleWeights
{
    /// <summary>Copies the weights and BatchNorm statistics of <paramref name="module"/>, which implements <paramref name="description"/>.</summary>
    /// <exception cref="InvalidOperationException">The module is in training mode: its BatchNorm would use batch statistics, not the running ones that get exported.</exception>
    /// <exception cref="InvalidDataException">A tensor is missing or does not fit the description, or a BatchNorm never tracked statistics (the module was not trained).</exception>
    public static NetworkWeights Read(nn.Module module, NetworkDescription description)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (module.training)
            throw new InvalidOperationException(
                $"Cannot export {description.Name} in training mode: call eval() first, so that the exported graph and the eager model both use the running BatchNorm statistics");

        // Disposes the detached copies made below; the module's own tensors were created outside it.
        using var scope = NewDisposeScope();
        var state = module.state_dict();
        var layers = new Dictionary<string, LayerWeights>();
        var norms = new Dictionary<string, BatchNormStatistics>();
        foreach (var layer in description.Layers)
        {
            switch (layer)
            {
                case ConvLayer or LinearLayer:
                    var weight = Required(state, $"{layer.Name}.weight", description);
                    var bias = state.TryGetValue($"{layer.Name}.bias", out var b) ? Values(b) : null;
                    layers[layer.Name] = new LayerWeights([.. weight.shape.Select(d => checked((int)d))], Values(weight), bias);
                    break;
                case BatchNormLayer norm:
                    if (Required(state, $"{norm.Name}.num_batches_tracked", description).item<long>() == 0)
                        throw new InvalidDataException(
                            $"Cannot export {description.Name}: {norm.Name} has never tracked statistics (num_batches_tracked = 0); train the model (or load a trained checkpoint) before exporting");
                    norms[norm.Name] = new BatchNormStatistics(
                        Gamma: Values(Required(state, $"{norm.Name}.weight", description)),
                        Beta: Values(Required(state, $"{norm.Name}.bias", description)),
                        RunningMean: Values(Required(state, $"{norm.Name}.running_mean", description)),
                        RunningVar: Values(Required(state, $"{norm.Name}.running_var", description)),
                        // The module adds ε in float32 arithmetic too, so the float is the value it uses.
                        Epsilon: (float)norm.Epsilon);
                    break;
            }
        }
        return new NetworkWeights(description, layers, norms);
    }

    private static Tensor Required(Dictionary<string, Tensor> state, string key, NetworkDescription description) =>
        state.TryGetValue(key, out var tensor)
            ? tensor
            : throw new InvalidDataException($"Cannot export {description.Name}: its state_dict has no '{key}'");

    private static float[] Values(Tensor tensor)
    {
        var values = tensor.detach().cpu().to_type(ScalarType.Float32).contiguous();
        return values.data<float>().ToArray();
    }
}
