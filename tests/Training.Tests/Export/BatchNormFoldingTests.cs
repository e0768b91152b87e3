// Folding math on numbers small enough to check by hand (worked out in the comments).
using MnistBn.Training.Export;

namespace MnistBn.Training.Tests.Export;

public sealed class BatchNormFoldingTests
{
    [Fact]
    public void Folding_a_two_channel_layer_with_bias_matches_hand_computed_values()
    {
        // σ² + ε = 3.99 + 0.01 = 4 → √ = 2, and 0.24 + 0.01 = 0.25 → √ = 0.5.
        // scale = γ/√(σ²+ε) = 3/2 = 1.5 and 0.25/0.5 = 0.5.
        // W' = W·scale: [1, 2]·1.5 = [1.5, 3]; [3, 4]·0.5 = [1.5, 2].
        // b' = β + (b − μ)·scale: 0.1 + (0.5 − 1)·1.5 = −0.65; 0 + (−1 − 2)·0.5 = −1.5.
        var layer = new LayerWeights(
            Shape: [2, 1, 1, 2],
            Weight: [1f, 2f, 3f, 4f],
            Bias: [0.5f, -1f],
            BatchNorm: new BatchNormStatistics(Gamma: [3f, 0.25f], Beta: [0.1f, 0f], RunningMean: [1f, 2f], RunningVar: [3.99f, 0.24f], Epsilon: 0.01f));

        var folded = BatchNormFolding.Fold(layer);

        AssertClose([1.5f, 3f, 1.5f, 2f], folded.Weight);
        AssertClose([-0.65f, -1.5f], folded.Bias!);
        Assert.Null(folded.BatchNorm);
        Assert.Equal(layer.Shape, folded.Shape);
    }

    [Fact]
    public void Folding_a_one_channel_layer_without_bias_treats_the_bias_as_zero()
    {
        // √(0.99 + 0.01) = 1, scale = γ = 2; W' = 2·2 = 4; b' = 1 + (0 − 0.5)·2 = 0.
        var layer = new LayerWeights(
            Shape: [1, 1, 1, 1],
            Weight: [2f],
            Bias: null,
            BatchNorm: new BatchNormStatistics([2f], [1f], [0.5f], [0.99f], 0.01f));

        var folded = BatchNormFolding.Fold(layer);

        AssertClose([4f], folded.Weight);
        AssertClose([0f], folded.Bias!);
    }

    [Fact]
    public void Folding_a_layer_without_BatchNorm_returns_it_unchanged()
    {
        var layer = new LayerWeights([1, 1, 1, 1], [2f], [3f]);

        Assert.Same(layer, BatchNormFolding.Fold(layer));
    }

    [Fact]
    public void Folding_LeNet_weights_leaves_every_layer_with_a_bias_and_no_BatchNorm()
    {
        var weights = LeNetWeights.Random(seed: 3, batchNorm: true);

        var folded = BatchNormFolding.Fold(weights);

        Assert.False(folded.HasBatchNorm);
        Assert.All(folded.Layers, layer => Assert.NotNull(layer.Bias));
        Assert.Equal(weights.Fc3.Weight, folded.Fc3.Weight);
        Assert.Equal(weights.Fc3.Bias, folded.Fc3.Bias);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(MathF.Abs(expected[i] - actual[i]) < 1e-6f, $"[{i}]: expected {expected[i]}, got {actual[i]}");
    }
}
