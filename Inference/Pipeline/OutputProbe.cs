// What the contract promises about a model's outputs, checked once at load on a few probe pictures:
// every value finite, and 'probabilities' the softmax of 'logits' (non-negative, summing to 1). A
// model with a NaN weight, with its two outputs swapped, or whose Softmax was replaced by an
// Identity passes the shape check but would report nonsense as probabilities and losses.
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MnistBn.Shared;

namespace MnistBn.Inference.Pipeline;

internal static class OutputProbe
{
    /// <summary>How far a probability may stray from softmax(logits) (float32 rounding inside the model is ~1e-7).</summary>
    public const float Tolerance = 1e-4f;

    /// <exception cref="InvalidDataException">An output is not finite, or the probabilities are not the softmax of the logits.</exception>
    public static void Check(InferenceSession session, string path)
    {
        var (logits, probabilities) = Run(session, ProbePictures());
        for (var row = 0; row < logits.Length / ModelContract.ClassCount; row++)
        {
            var l = logits.AsSpan(row * ModelContract.ClassCount, ModelContract.ClassCount);
            var p = probabilities.AsSpan(row * ModelContract.ClassCount, ModelContract.ClassCount);
            RequireFinite(l, ModelContract.LogitsName, path);
            RequireFinite(p, ModelContract.ProbabilitiesName, path);
            var expected = Softmax(l);
            var worst = 0f;
            for (var c = 0; c < expected.Length; c++)
                worst = Math.Max(worst, Math.Abs(expected[c] - p[c]));
            if (worst > Tolerance)
                throw new InvalidDataException(
                    $"model file {path}: output '{ModelContract.ProbabilitiesName}' is not the softmax of '{ModelContract.LogitsName}' " +
                    $"(off by {worst:G3} on a probe picture; they sum to {Sum(p):G4}): swapped outputs or a missing Softmax?");
        }
    }

    /// <summary>Throws when a model's output for a real picture holds NaN or ±∞, naming the model.</summary>
    public static void RequireFinite(ReadOnlySpan<float> values, string output, string path)
    {
        foreach (var value in values)
        {
            if (!float.IsFinite(value))
                throw new InvalidDataException($"model file {path}: output '{output}' holds {value} (not a finite number); the model's weights are broken");
        }
    }

    // A black picture, a white one, and a diagonal stroke: enough to expose swapped outputs and NaN weights.
    private static float[] ProbePictures()
    {
        const int pixels = ModelContract.PixelCount;
        var batch = new float[3 * pixels];
        for (var i = 0; i < pixels; i++)
            batch[pixels + i] = ModelContract.ScalePixel(byte.MaxValue);
        for (var i = 0; i < ModelContract.Width; i++)
            batch[2 * pixels + i * ModelContract.Width + i] = ModelContract.ScalePixel(byte.MaxValue);
        for (var i = 0; i < pixels; i++)
            batch[i] = ModelContract.ScalePixel(0);
        return batch;
    }

    private static (float[] Logits, float[] Probabilities) Run(InferenceSession session, float[] pictures)
    {
        var count = pictures.Length / ModelContract.PixelCount;
        var input = new DenseTensor<float>(pictures, [count, ModelContract.Channels, ModelContract.Height, ModelContract.Width]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(ModelContract.InputName, input)]);
        float[] Output(string name) => results.First(r => r.Name == name).AsEnumerable<float>().ToArray();
        return (Output(ModelContract.LogitsName), Output(ModelContract.ProbabilitiesName));
    }

    private static float[] Softmax(ReadOnlySpan<float> logits)
    {
        var max = double.NegativeInfinity;
        foreach (var l in logits)
            max = Math.Max(max, l);
        var exp = new double[logits.Length];
        for (var i = 0; i < logits.Length; i++)
            exp[i] = Math.Exp(logits[i] - max);
        var sum = exp.Sum();
        return [.. exp.Select(e => (float)(e / sum))];
    }

    private static float Sum(ReadOnlySpan<float> values)
    {
        var sum = 0f;
        foreach (var v in values)
            sum += v;
        return sum;
    }
}
