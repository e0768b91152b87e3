// Reads IDX files (the format MNIST ships in) strictly: magic number, data type, rank, dimensions and
// the exact file length are all checked, and every failure names the file and the problem. Files whose
// name ends in .gz are decompressed first; the checks then apply to the decompressed bytes.
using System.Buffers.Binary;
using System.IO.Compression;

namespace MnistBn.Shared.Data;

/// <summary>Reads unsigned-byte IDX image files (rank 3) and label files (rank 1) of any size.</summary>
public static class IdxReader
{
    /// <summary>Magic number of an unsigned-byte rank-3 IDX file (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of an unsigned-byte rank-1 IDX file (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    private const byte UnsignedByte = 0x08;

    /// <summary>Reads an image file: Count × Rows × Columns bytes after a 16-byte header.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid unsigned-byte rank-3 IDX file.</exception>
    public static IdxImages ReadImages(string path)
    {
        var (dims, pixels) = ReadChecked(path, rank: 3, "image");
        // Rows and columns must be positive: a zero-pixel image carries nothing and would hide the
        // image count from the length check. Count 0 is allowed: an empty set is a well-formed file
        // (header only) and callers decide whether they can use it.
        if (dims[1] == 0 || dims[2] == 0)
            throw Invalid(path, $"image size {dims[1]}×{dims[2]}: rows and columns must be positive");
        return new IdxImages(path, dims[0], dims[1], dims[2], pixels);
    }

    /// <summary>Reads a label file: Count bytes after an 8-byte header.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid unsigned-byte rank-1 IDX file.</exception>
    public static IdxLabels ReadLabels(string path)
    {
        var (_, labels) = ReadChecked(path, rank: 1, "label");
        return new IdxLabels(path, labels);
    }

    // Validates everything up to and including the file length; returns the dimensions and the data bytes.
    private static (int[] Dims, byte[] Data) ReadChecked(string path, int rank, string kind)
    {
        using var stream = OpenSeekable(path);
        var length = stream.Length;
        var expectedMagic = UnsignedByte << 8 | rank;
        if (length == 0)
            throw Invalid(path, $"empty file (0 bytes); expected an IDX {kind} file");
        if (length < 4)
            throw Invalid(path, $"truncated: {length} bytes, too short for the 4-byte IDX magic number");

        var headerLength = 4 + 4 * rank;
        Span<byte> header = stackalloc byte[headerLength];
        var headerRead = stream.ReadAtLeast(header, headerLength, throwOnEndOfStream: false);
        var magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (header[0] != 0 || header[1] != 0)
            throw Invalid(path, $"not an IDX file: magic number 0x{magic:X8}, expected 0x{expectedMagic:X8} ({kind} file)");
        if (header[2] != UnsignedByte)
            throw Invalid(path, $"data type 0x{header[2]:X2} ({TypeName(header[2])}) is not supported; expected 0x08 (unsigned byte)");
        if (header[3] != rank)
            throw Invalid(path, $"rank {header[3]} (magic 0x{magic:X8}), expected rank {rank} (magic 0x{expectedMagic:X8}) for an IDX {kind} file");
        if (headerRead < headerLength)
            throw Invalid(path, $"truncated: the header needs {headerLength} bytes, file has {length}");

        var dims = new int[rank];
        long dataLength = 1;
        for (var i = 0; i < rank; i++)
        {
            var dim = BinaryPrimitives.ReadUInt32BigEndian(header[(4 + 4 * i)..]);
            if (dim > int.MaxValue)
                throw Invalid(path, $"dimension {i} is {dim}, larger than this reader supports ({int.MaxValue})");
            dims[i] = (int)dim;
            dataLength *= dim;
            if (dataLength > Array.MaxLength)
                throw Invalid(path, $"header says {Shape(dims[..(i + 1)])} bytes, more than one array can hold");
        }

        var actual = length - headerLength;
        if (actual < dataLength)
            throw Invalid(path, $"truncated: header says {Shape(dims)} = {dataLength} bytes of {kind} data, file has {actual}");
        if (actual > dataLength)
            throw Invalid(path, $"{actual - dataLength} trailing bytes: header says {Shape(dims)} = {dataLength} bytes of {kind} data, file has {actual}");

        var data = new byte[dataLength];
        stream.ReadExactly(data);
        return (dims, data);
    }

    // A stream whose Length is the IDX byte count: the file itself, or its decompressed contents for .gz.
    private static Stream OpenSeekable(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: IDX file not found", path);
        var file = File.OpenRead(path);
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            return file;
        try
        {
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            var buffer = new MemoryStream();
            gzip.CopyTo(buffer);
            buffer.Position = 0;
            return buffer;
        }
        catch (InvalidDataException error)
        {
            throw Invalid(path, $"not a valid gzip stream ({error.Message})");
        }
    }

    private static string Shape(IEnumerable<int> dims) => string.Join('×', dims);

    private static string TypeName(byte type) => type switch
    {
        0x09 => "signed byte",
        0x0B => "short",
        0x0C => "int",
        0x0D => "float",
        0x0E => "double",
        _ => "unknown",
    };

    private static InvalidDataException Invalid(string path, string problem) => new($"{path}: {problem}");
}
