// Comparisons the evaluation tests share: two sets of probabilities agree element-wise and in argmax.
using MnistBn.Inference;

namespace MnistBn.Training.Tests.OnnxEvaluation;

internal static class Assertions
{
    public static void Close(ReadOnlySpan<float> expected, IReadOnlyList<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"{what}: element {i} differs: {expected[i]} vs {actual[i]} (tolerance {tolerance})");
        Assert.Equal(ScoredBatch.ArgMax(expected), ScoredBatch.ArgMax(actual.ToArray()));
    }
}
