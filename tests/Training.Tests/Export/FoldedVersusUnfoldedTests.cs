// The folding, verified end to end: the folded and the unfolded (BatchNormalization) graphs of the
// same weights give the same outputs in ONNX Runtime, at batch sizes 1 and 7 (symbolic batch).
using MnistBn.Training.Export;
using Xunit.Abstractions;

namespace MnistBn.Training.Tests.Export;

public sealed class FoldedVersusUnfoldedTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public void Folded_model_matches_unfolded_within_1e5_on_probabilities_and_1e4_on_logits(int batch)
    {
        AssertFoldedMatchesUnfolded(LeNetWeights.Random(11, batchNorm: true), batch, seed: 100 + batch);
    }

    [Fact]
    public void Folded_model_matches_unfolded_when_layers_before_BatchNorm_have_biases()
    {
        // LeNet's bn variant has no hidden biases; this pins the (b − μ) term of the folding too.
        var w = LeNetWeights.Random(12, batchNorm: true);
        var random = new Random(5);
        LayerWeights WithBias(LayerWeights layer) =>
            layer with { Bias = Enumerable.Range(0, layer.OutputChannels).Select(_ => random.NextSingle() - 0.5f).ToArray() };
        var weights = new LeNetWeights(WithBias(w.Conv1), WithBias(w.Conv2), WithBias(w.Fc1), WithBias(w.Fc2), w.Fc3);

        AssertFoldedMatchesUnfolded(weights, batch: 7, seed: 8);
    }

    private void AssertFoldedMatchesUnfolded(LeNetWeights weights, int batch, int seed)
    {
        using var folded = new OnnxRunner(ExportTestConfig.ModelBytes(weights, fold: true));
        using var unfolded = new OnnxRunner(ExportTestConfig.ModelBytes(weights, fold: false));
        var pixels = OutputComparison.RandomPixels(seed, batch);

        var a = folded.Run(pixels, batch);
        var b = unfolded.Run(pixels, batch);

        Assert.Equal(batch * 10, a.Logits.Length);
        var logitDiff = OutputComparison.MaxAbsDiff(a.Logits, b.Logits);
        var probabilityDiff = OutputComparison.MaxAbsDiff(a.Probabilities, b.Probabilities);
        output.WriteLine($"batch {batch}: max |Δlogit| = {logitDiff:E2}, max |Δprobability| = {probabilityDiff:E2}");
        Assert.True(logitDiff <= 1e-4f, $"max |Δlogit| = {logitDiff}");
        Assert.True(probabilityDiff <= 1e-5f, $"max |Δprobability| = {probabilityDiff}");
        Assert.Equal(OutputComparison.ArgMax(b.Logits, 10), OutputComparison.ArgMax(a.Logits, 10));
        // A graph that ignored its input would pass the comparisons above; different images must differ.
        if (batch > 1)
            Assert.NotEqual(a.Logits[..10], a.Logits[^10..]);
    }
}
