// Compares two sets of [N, 10] outputs the way the regression tests state their bounds: max absolute
// difference on logits and on probabilities, and row-wise argmax agreement.
namespace MnistBn.TestFixtures;

internal static class OutputComparison
{
    public static float MaxAbsDiff(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        var max = 0f;
        for (var i = 0; i < a.Length; i++)
            max = MathF.Max(max, MathF.Abs(a[i] - b[i]));
        return max;
    }

    public static int[] ArgMax(float[] rows, int columns)
    {
        var result = new int[rows.Length / columns];
        for (var r = 0; r < result.Length; r++)
        {
            var best = 0;
            for (var c = 1; c < columns; c++)
            {
                if (rows[r * columns + c] > rows[r * columns + best])
                    best = c;
            }
            result[r] = best;
        }
        return result;
    }

    public static float[] RandomPixels(int seed, int batch)
    {
        var random = new Random(seed);
        var values = new float[batch * MnistBn.Shared.ModelContract.PixelCount];
        for (var i = 0; i < values.Length; i++)
            values[i] = random.NextSingle();
        return values;
    }
}
