// Reads IDX files (the format MNIST ships in) strictly: magic number, data type, rank, dimensions and
// the exact file length are all checked, and every failure names the file and the problem. Files whose
// name ends in .gz are decompressed first; the checks then apply to the decompressed bytes. A file is
// read once, bounded (ReadLimits.IdxBytes), and parsing works on those bytes, so a caller that verifies
// a hash (MnistDataset) parses exactly what it hashed.
using System.Buffers.Binary;
using System.IO.Compression;
using MnistBn.Shared.IO;

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
    /// <exception cref="IOException">The path is a directory, FIFO, socket or device.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid unsigned-byte rank-3 IDX file, or larger than <see cref="ReadLimits.IdxBytes"/>.</exception>
    public static IdxImages ReadImages(string path) => ParseImages(ReadFile(path), path);

    /// <summary>Reads a label file: Count bytes after an 8-byte header.</summary>
    /// <inheritdoc cref="ReadImages" path="/exception"/>
    public static IdxLabels ReadLabels(string path) => ParseLabels(ReadFile(path), path);

    /// <summary>
    /// The file's bytes as stored (still gzip-compressed for .gz), read once and bounded: what a caller
    /// hashes before handing the same array to <see cref="ParseImages"/> or <see cref="ParseLabels"/>.
    /// </summary>
    /// <inheritdoc cref="ReadImages" path="/exception"/>
    public static byte[] ReadFile(string path) => BoundedFile.ReadAllBytes(path, ReadLimits.IdxBytes, "an IDX file");

    /// <summary>Parses the bytes of an image file (as stored: gzip-compressed when <paramref name="path"/> ends in .gz).</summary>
    /// <param name="file">The file's bytes.</param>
    /// <param name="path">Where they came from, for messages and the result's Path.</param>
    /// <exception cref="InvalidDataException">Not a valid unsigned-byte rank-3 IDX file.</exception>
    public static IdxImages ParseImages(byte[] file, string path)
    {
        var (dims, pixels) = Parse(file, path, rank: 3, "image");
        // Rows and columns must be positive: a zero-pixel image carries nothing and would hide the
        // image count from the length check. Count 0 is allowed: an empty set is a well-formed file
        // (header only) and callers decide whether they can use it.
        if (dims[1] == 0 || dims[2] == 0)
            throw Invalid(path, $"image size {dims[1]}×{dims[2]}: rows and columns must be positive");
        return new IdxImages(path, dims[0], dims[1], dims[2], pixels);
    }

    /// <summary>Parses the bytes of a label file (as stored: gzip-compressed when <paramref name="path"/> ends in .gz).</summary>
    /// <inheritdoc cref="ParseImages" path="/param"/>
    /// <exception cref="InvalidDataException">Not a valid unsigned-byte rank-1 IDX file.</exception>
    public static IdxLabels ParseLabels(byte[] file, string path)
    {
        var (_, labels) = Parse(file, path, rank: 1, "label");
        return new IdxLabels(path, labels);
    }

    // Validates everything up to and including the length; returns the dimensions and the data bytes.
    private static (int[] Dims, byte[] Data) Parse(byte[] file, string path, int rank, string kind)
    {
        var bytes = Decompressed(file, path);
        var length = bytes.Length;
        var expectedMagic = UnsignedByte << 8 | rank;
        if (length == 0)
            throw Invalid(path, $"empty file (0 bytes); expected an IDX {kind} file");
        if (length < 4)
            throw Invalid(path, $"truncated: {length} bytes, too short for the 4-byte IDX magic number");

        var headerLength = 4 + 4 * rank;
        var header = bytes.AsSpan(0, Math.Min(headerLength, length));
        var magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (header[0] != 0 || header[1] != 0)
            throw Invalid(path, $"not an IDX file: magic number 0x{magic:X8}, expected 0x{expectedMagic:X8} ({kind} file)");
        if (header[2] != UnsignedByte)
            throw Invalid(path, $"data type 0x{header[2]:X2} ({TypeName(header[2])}) is not supported; expected 0x08 (unsigned byte)");
        if (header[3] != rank)
            throw Invalid(path, $"rank {header[3]} (magic 0x{magic:X8}), expected rank {rank} (magic 0x{expectedMagic:X8}) for an IDX {kind} file");
        if (length < headerLength)
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

        long actual = length - headerLength;
        if (actual < dataLength)
            throw Invalid(path, $"truncated: header says {Shape(dims)} = {dataLength} bytes of {kind} data, file has {actual}");
        if (actual > dataLength)
            throw Invalid(path, $"{actual - dataLength} trailing bytes: header says {Shape(dims)} = {dataLength} bytes of {kind} data, file has {actual}");
        return (dims, bytes[headerLength..]);
    }

    // The IDX bytes: the file itself, or its decompressed contents for .gz (bounded like a raw file, so
    // a small gzip bomb cannot expand without limit).
    private static byte[] Decompressed(byte[] file, string path)
    {
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            return file;
        using var gzip = new GZipStream(new MemoryStream(file, writable: false), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var chunk = new byte[81920];
        while (true)
        {
            int read;
            try
            {
                read = gzip.Read(chunk);
            }
            catch (InvalidDataException error)
            {
                throw Invalid(path, $"not a valid gzip stream ({error.Message})");
            }
            if (read == 0)
                return output.ToArray();
            if (output.Length + read > ReadLimits.IdxBytes)
                throw Invalid(path, $"decompresses to more than the limit of {ReadLimits.IdxBytes:N0} bytes for an IDX file; refusing to decompress on");
            output.Write(chunk, 0, read);
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
