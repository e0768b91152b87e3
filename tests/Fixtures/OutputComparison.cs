// Compares two sets of outputs the way the regression tests state their bounds: max absolute
// difference, and row-wise argmax agreement. Knows nothing of MNIST, so the exporter tests link it too.
namespace MnistBn.TestFixtures;

internal static partial class OutputComparison
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
}
