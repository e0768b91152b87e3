// Deterministic random weights for any network description: PyTorch-style uniform init and plausible
// BatchNorm statistics, so exporter and inference tests need neither TorchSharp nor training.
using MnistBn.Network.Description;
using MnistBn.OnnxExport.Weights;

namespace MnistBn.Network.Weights;

/// <summary>Random <see cref="NetworkWeights"/> from a seed.</summary>
public static class RandomWeights
{
    /// <summary>
    /// Weights and biases uniform in ±1/√fan_in (PyTorch's default); BatchNorm γ in [0.5, 1.5], β and
    /// the running mean in ±0.5, the running variance in [0.05, 2] and ε as the layer declares.
    /// </summary>
    public static NetworkWeights For(NetworkDescription description, int seed)
    {
        var random = new Random(seed);
        var layers = new Dictionary<string, LayerWeights>();
        var norms = new Dictionary<string, BatchNormStatistics>();
        foreach (var layer in description.Layers)
        {
            switch (layer)
            {
                case ConvLayer c:
                    layers[c.Name] = Layer(random, c.WeightShape, c.Bias);
                    break;
                case LinearLayer l:
                    layers[l.Name] = Layer(random, l.WeightShape, l.Bias);
                    break;
                case BatchNormLayer b:
                    norms[b.Name] = new BatchNormStatistics(
                        Gamma: Uniform(random, b.Features, 0.5f, 1.5f),
                        Beta: Uniform(random, b.Features, -0.5f, 0.5f),
                        RunningMean: Uniform(random, b.Features, -0.5f, 0.5f),
                        RunningVar: Uniform(random, b.Features, 0.05f, 2f),
                        Epsilon: (float)b.Epsilon);
                    break;
            }
        }
        return new NetworkWeights(description, layers, norms);
    }

    private static LayerWeights Layer(Random random, int[] shape, bool bias)
    {
        var bound = 1f / MathF.Sqrt(shape.Skip(1).Aggregate(1, (a, b) => a * b));
        var weight = Uniform(random, shape.Aggregate(1, (a, b) => a * b), -bound, bound);
        return new LayerWeights(shape, weight, bias ? Uniform(random, shape[0], -bound, bound) : null);
    }

    private static float[] Uniform(Random random, int count, float low, float high)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
            values[i] = low + (high - low) * random.NextSingle();
        return values;
    }
}
