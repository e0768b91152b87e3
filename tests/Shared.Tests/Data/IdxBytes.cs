// Builds IDX file contents byte by byte, so each test can state exactly what is wrong with its file.
using System.Buffers.Binary;

namespace MnistBn.Shared.Tests.Data;

internal static class IdxBytes
{
    public static byte[] Images(int count, int rows, int columns, Func<int, byte>? pixel = null)
    {
        var data = new byte[count * rows * columns];
        for (var i = 0; i < data.Length; i++)
            data[i] = pixel?.Invoke(i) ?? (byte)(i % 251);
        return File(0x08, [count, rows, columns], data);
    }

    public static byte[] Labels(params byte[] labels) => File(0x08, [labels.Length], labels);

    /// <summary>A header with the given data type and dimensions (rank = dims.Length) followed by data.</summary>
    public static byte[] File(byte dataType, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        bytes[2] = dataType;
        bytes[3] = (byte)dims.Length;
        for (var i = 0; i < dims.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }
}
