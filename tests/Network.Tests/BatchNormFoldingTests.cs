// Folding math on numbers small enough to check by hand (worked out in the comments), and which
// BatchNorm layers of a network fold.
using MnistBn.Network.Onnx;
using MnistBn.Network.Weights;
using MnistBn.OnnxExport.Graph;
using MnistBn.OnnxExport.Weights;
using MnistBn.Network.Description;

namespace MnistBn.Network.Tests;

public sealed class BatchNormFoldingTests
{
    [Fact]
    public void Folding_a_two_channel_layer_with_bias_matches_hand_computed_values()
    {
        // σ² + ε = 3.99 + 0.01 = 4 → √ = 2, and 0.24 + 0.01 = 0.25 → √ = 0.5.
        // scale = γ/√(σ²+ε) = 3/2 = 1.5 and 0.25/0.5 = 0.5.
        // W' = W·scale: [1, 2]·1.5 = [1.5, 3]; [3, 4]·0.5 = [1.5, 2].
        // b' = β + (b − μ)·scale: 0.1 + (0.5 − 1)·1.5 = −0.65; 0 + (−1 − 2)·0.5 = −1.5.
        var layer = new LayerWeights(Shape: [2, 1, 1, 2], Weight: [1f, 2f, 3f, 4f], Bias: [0.5f, -1f]);
        var norm = new BatchNormStatistics(Gamma: [3f, 0.25f], Beta: [0.1f, 0f], RunningMean: [1f, 2f], RunningVar: [3.99f, 0.24f], Epsilon: 0.01f);

        var folded = BatchNormFolding.Fold(layer, norm);

        AssertClose([1.5f, 3f, 1.5f, 2f], folded.Weight);
        AssertClose([-0.65f, -1.5f], folded.Bias!);
        Assert.Equal(layer.Shape, folded.Shape);
    }

    [Fact]
    public void Folding_a_one_channel_layer_without_bias_treats_the_bias_as_zero()
    {
        // √(0.99 + 0.01) = 1, scale = γ = 2; W' = 2·2 = 4; b' = 1 + (0 − 0.5)·2 = 0.
        var folded = BatchNormFolding.Fold(new LayerWeights([1, 1, 1, 1], [2f]), new BatchNormStatistics([2f], [1f], [0.5f], [0.99f], 0.01f));

        AssertClose([4f], folded.Weight);
        AssertClose([0f], folded.Bias!);
    }

    [Fact]
    public void Folding_agrees_with_the_affine_form_of_BatchNorm()
    {
        // One formula: the folded layer's output equals BN(layer(x)) computed with BatchNormAffine's scale and shift.
        var layer = new LayerWeights([2, 3], [0.2f, -0.4f, 0.6f, 1f, 0.5f, -2f], [0.3f, -0.1f]);
        var norm = new BatchNormStatistics([1.2f, 0.7f], [0.1f, -0.3f], [0.4f, -0.2f], [0.8f, 1.9f], 1e-3f);
        float[] x = [0.5f, -1f, 2f];
        var (scale, shift) = norm.Affine();

        var folded = BatchNormFolding.Fold(layer, norm);

        for (var c = 0; c < 2; c++)
        {
            var z = layer.Bias![c] + Enumerable.Range(0, 3).Sum(k => layer.Weight[c * 3 + k] * x[k]);
            var expected = z * scale[c] + shift[c];
            var actual = folded.Bias![c] + Enumerable.Range(0, 3).Sum(k => folded.Weight[c * 3 + k] * x[k]);
            Assert.Equal(expected, actual, 5);
        }
    }

    [Fact]
    public void Statistics_for_the_wrong_number_of_channels_are_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            BatchNormFolding.Fold(new LayerWeights([2, 1], [1f, 2f]), new BatchNormStatistics([1f], [0f], [0f], [1f], 1e-3f)));

        Assert.Contains("1 BatchNorm channels for a layer with 2 outputs", error.Message);
    }

    [Fact]
    public void BatchNorm_after_an_activation_is_not_foldable()
    {
        Assert.Equal(["bn1", "bn2", "bn3", "bn4"], RemainingBatchNorms("lenet-bn-after"));
        Assert.Empty(RemainingBatchNorms("lenet-bn"));
    }

    private static IEnumerable<string> RemainingBatchNorms(string network)
    {
        var graph = DescriptionGraph.Build(RandomWeights.For(FixtureNetworks.ByName(network), seed: 1));
        return GraphFolding.FoldBatchNorm(graph).Nodes.OfType<BatchNormNode>().Select(n => n.Name);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(MathF.Abs(expected[i] - actual[i]) < 1e-6f, $"[{i}]: expected {expected[i]}, got {actual[i]}");
    }
}
