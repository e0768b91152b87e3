// How element-wise work on a parameter (summing the parts' gradients, Adam's update) is divided among
// threads: contiguous ranges, as equal as possible, with boundaries on multiples of 16 floats so that two
// threads never write the same 64-byte cache line and every range but the last is whole vectors.
namespace MnistBn.Training.DataParallel;

internal static class ElementRanges
{
    private const int Alignment = 16;

    /// <summary>Thread <paramref name="thread"/>'s range of <paramref name="length"/> elements out of <paramref name="threads"/>.</summary>
    public static (int Start, int Length) Of(int length, int thread, int threads)
    {
        var start = Boundary(length, thread, threads);
        return (start, Boundary(length, thread + 1, threads) - start);
    }

    private static int Boundary(int length, int index, int threads) =>
        index == threads ? length : Math.Min(length, (int)((long)length * index / threads) / Alignment * Alignment);
}
