// How a batch is divided into parts, one per thread: contiguous and as equal as possible, so that the
// parts, and every sum over them in part order, are the same for a given batch and part count.
namespace MnistBn.Training.DataParallel;

internal static class BatchParts
{
    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/>: the first <c>size % parts</c> get one image more.</summary>
    public static (long Start, long Length) Of(long size, int parts, int part)
    {
        var (length, extra) = (size / parts, size % parts);
        return (part * length + Math.Min(part, extra), length + (part < extra ? 1 : 0));
    }
}
