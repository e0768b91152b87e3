// The adapter from a trained TorchSharp LeNet to plain weights. It reads the module's state_dict by
// the names LeNet promises (conv1.weight, bn1.running_var, …), so it depends on the module's
// published structure rather than on its private fields.
using MnistBn.Training.Model;
using static TorchSharp.torch;

namespace MnistBn.Training.Export;

public sealed partial class LeNetWeights
{
    /// <summary>Copies the weights (and BatchNorm statistics) of <paramref name="model"/>.</summary>
    /// <exception cref="InvalidOperationException">The model is in training mode: its BatchNorm would use batch statistics, not the running ones that get exported.</exception>
    /// <exception cref="InvalidDataException">A BatchNorm layer never tracked statistics (the model was not trained), or a tensor does not fit LeNet.</exception>
    public static LeNetWeights FromModel(NetworkModule model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.training)
            throw new InvalidOperationException(
                $"Cannot export {model.Description.Name} in training mode: call eval() first, so that the exported graph and the eager model both use the running BatchNorm statistics");
        var norms = model.BatchNorms;
        for (var i = 0; i < norms.Count; i++)
        {
            var tracked = norms[i].NumBatchesTracked.item<long>();
            if (tracked == 0)
                throw new InvalidDataException(
                    $"Cannot export {model.Description.Name}: {BatchNormNames[i]} has never tracked statistics (num_batches_tracked = 0); train the model (or load a trained checkpoint) before exporting");
        }

        // Disposes the detached copies made below; the module's own tensors were created outside it.
        using var scope = NewDisposeScope();
        var state = model.state_dict();
        var layers = new LayerWeights[LayerNames.Count];
        for (var i = 0; i < layers.Length; i++)
        {
            var name = LayerNames[i];
            var weight = Required(state, $"{name}.weight", model.Description.Name);
            var bias = state.TryGetValue($"{name}.bias", out var b) ? Values(b) : null;
            BatchNormStatistics? norm = null;
            if (i < norms.Count)
            {
                var bn = BatchNormNames[i];
                norm = new BatchNormStatistics(
                    Gamma: Values(Required(state, $"{bn}.weight", model.Description.Name)),
                    Beta: Values(Required(state, $"{bn}.bias", model.Description.Name)),
                    RunningMean: Values(Required(state, $"{bn}.running_mean", model.Description.Name)),
                    RunningVar: Values(Required(state, $"{bn}.running_var", model.Description.Name)),
                    // The module adds ε in float32 arithmetic too, so the float is the value it uses.
                    Epsilon: (float)norms[i].Epsilon);
            }
            layers[i] = new LayerWeights(weight.shape.Select(d => checked((int)d)).ToArray(), Values(weight), bias, norm);
        }
        return new LeNetWeights(layers[0], layers[1], layers[2], layers[3], layers[4]);
    }

    private static Tensor Required(Dictionary<string, Tensor> state, string key, string variant) =>
        state.TryGetValue(key, out var tensor)
            ? tensor
            : throw new InvalidDataException($"Cannot export LeNet ({variant}): its state_dict has no '{key}'");

    private static float[] Values(Tensor tensor)
    {
        var values = tensor.detach().cpu().to_type(ScalarType.Float32).contiguous();
        return values.data<float>().ToArray();
    }
}
