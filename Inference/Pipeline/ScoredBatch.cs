// Logits and probabilities of N images in flat row-major arrays: what both scorers (ML.NET and
// direct ONNX Runtime) return, so metrics and comparisons read one shape.
using MnistBn.Shared;

namespace MnistBn.Inference;

/// <summary>Scores of <see cref="Count"/> images; row <c>i</c> occupies <c>[i·10, i·10 + 10)</c>.</summary>
internal sealed class ScoredBatch
{
    /// <summary>Room for <paramref name="count"/> rows, all zero.</summary>
    public ScoredBatch(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Count = count;
        Logits = new float[count * ModelContract.ClassCount];
        Probabilities = new float[count * ModelContract.ClassCount];
    }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>Count × 10 raw scores.</summary>
    public float[] Logits { get; }

    /// <summary>Count × 10 probabilities (the model's softmax output).</summary>
    public float[] Probabilities { get; }

    /// <summary>The ten logits of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> LogitsOf(int index) => Logits.AsSpan(index * ModelContract.ClassCount, ModelContract.ClassCount);

    /// <summary>The ten probabilities of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> ProbabilitiesOf(int index) =>
        Probabilities.AsSpan(index * ModelContract.ClassCount, ModelContract.ClassCount);

    /// <summary>The most probable class of image <paramref name="index"/> (lowest index on ties).</summary>
    public int PredictedClass(int index) => ArgMax(ProbabilitiesOf(index));

    /// <summary>Index of the largest value (first on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
                best = i;
        }
        return best;
    }

    internal void Set(int index, ReadOnlySpan<float> logits, ReadOnlySpan<float> probabilities)
    {
        if (logits.Length != ModelContract.ClassCount || probabilities.Length != ModelContract.ClassCount)
            throw new InvalidDataException(
                $"the model returned {logits.Length} logits and {probabilities.Length} probabilities; the contract says {ModelContract.ClassCount}");
        logits.CopyTo(Logits.AsSpan(index * ModelContract.ClassCount));
        probabilities.CopyTo(Probabilities.AsSpan(index * ModelContract.ClassCount));
    }
}
