// The folding, verified end to end: the folded and the unfolded (BatchNormalization) graphs of the
// same weights give the same outputs in ONNX Runtime, for every tested network, at batch sizes 1 and
// 7 (symbolic batch).
using MnistBn.Network.Description;
using MnistBn.Network.Weights;
using Xunit.Abstractions;

namespace MnistBn.Network.Tests;

public sealed class FoldedVersusUnfoldedTests(ITestOutputHelper output)
{
    public static TheoryData<string, int> NetworksAndBatches =>
        new() { { "lenet-bn", 1 }, { "lenet-bn", 7 }, { "lenet-bn-after", 7 }, { "mlp-bn", 7 }, { "conv3-bn", 1 }, { "conv3-bn", 7 } };

    [Theory]
    [MemberData(nameof(NetworksAndBatches))]
    public void Folded_model_matches_unfolded_within_1e5_on_probabilities_and_1e4_on_logits(string name, int batch)
    {
        AssertFoldedMatchesUnfolded(RandomWeights.For(FixtureNetworks.ByName(name), 11), batch, seed: 100 + batch);
    }

    [Fact]
    public void Folded_model_matches_unfolded_when_layers_before_BatchNorm_have_biases()
    {
        // LeNet's bn variant has no hidden biases; this pins the bias term of the folding too.
        var biased = new NetworkDescription("lenet-bn-biased", [1, 28, 28],
            [.. FixtureNetworks.ByName("lenet-bn").Layers.Select(l => l switch
            {
                ConvLayer c => c with { Bias = true },
                LinearLayer f => f with { Bias = true },
                _ => l,
            })]);

        AssertFoldedMatchesUnfolded(RandomWeights.For(biased, 12), batch: 7, seed: 8);
    }

    private void AssertFoldedMatchesUnfolded(NetworkWeights weights, int batch, int seed)
    {
        using var folded = new OnnxRunner(ExportTestConfig.ModelBytes(weights, fold: true));
        using var unfolded = new OnnxRunner(ExportTestConfig.ModelBytes(weights, fold: false));
        var pixels = OutputComparison.RandomPixels(seed, batch);

        var a = folded.Run(pixels, batch);
        var b = unfolded.Run(pixels, batch);

        Assert.Equal(batch * 10, a.Logits.Length);
        var logitDiff = OutputComparison.MaxAbsDiff(a.Logits, b.Logits);
        var probabilityDiff = OutputComparison.MaxAbsDiff(a.Probabilities, b.Probabilities);
        output.WriteLine($"{weights.Description.Name}, batch {batch}: max |Δlogit| = {logitDiff:E2}, max |Δprobability| = {probabilityDiff:E2}");
        Assert.True(logitDiff <= 1e-4f, $"max |Δlogit| = {logitDiff}");
        Assert.True(probabilityDiff <= 1e-5f, $"max |Δprobability| = {probabilityDiff}");
        Assert.Equal(OutputComparison.ArgMax(b.Logits, 10), OutputComparison.ArgMax(a.Logits, 10));
        // A graph that ignored its input would pass the comparisons above; different images must differ.
        if (batch > 1)
            Assert.NotEqual(a.Logits[..10], a.Logits[^10..]);
    }
}
