// Deterministic random LeNet weights for tests: PyTorch-style uniform init and plausible BatchNorm
// statistics, so exporter tests need neither TorchSharp nor training.
namespace MnistBn.Training.Export;

public sealed partial class LeNetWeights
{
    /// <summary>
    /// Random weights from <paramref name="seed"/>: weights and biases uniform in ±1/√fan_in (PyTorch's
    /// default); with <paramref name="batchNorm"/> the hidden layers have no bias (as in LeNet's bn
    /// variant) and random BatchNorm statistics with positive variance.
    /// </summary>
    public static LeNetWeights Random(int seed, bool batchNorm)
    {
        var random = new Random(seed);
        var layers = new LayerWeights[LayerNames.Count];
        for (var i = 0; i < layers.Length; i++)
        {
            var shape = ExpectedShapes[i];
            var hidden = i < BatchNormNames.Count;
            var outputs = shape[0];
            var bound = 1f / MathF.Sqrt(shape.Skip(1).Aggregate(1, (a, b) => a * b));
            var weight = Uniform(random, shape.Aggregate(1, (a, b) => a * b), -bound, bound);
            var withNorm = batchNorm && hidden;
            var bias = withNorm ? null : Uniform(random, outputs, -bound, bound);
            var norm = withNorm
                ? new BatchNormStatistics(
                    Gamma: Uniform(random, outputs, 0.5f, 1.5f),
                    Beta: Uniform(random, outputs, -0.5f, 0.5f),
                    RunningMean: Uniform(random, outputs, -0.5f, 0.5f),
                    RunningVar: Uniform(random, outputs, 0.05f, 2f),
                    Epsilon: 1e-3f)
                : null;
            layers[i] = new LayerWeights((int[])shape.Clone(), weight, bias, norm);
        }
        return new LeNetWeights(layers[0], layers[1], layers[2], layers[3], layers[4]);
    }

    private static float[] Uniform(Random random, int count, float low, float high)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
            values[i] = low + (high - low) * random.NextSingle();
        return values;
    }
}
