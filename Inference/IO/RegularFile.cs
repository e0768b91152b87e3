// Every file the library reads (an image, a model) is first checked to be a regular file — a FIFO
// would block the read forever, /dev/zero would fill memory — and read with a size limit. The
// library cannot use MnistBn.Shared's reader (apps get only the contract), so it has its own; the
// file-type test itself is MnistBn.Shared's FileKinds, compiled into this assembly from its one source.
using MnistBn.Shared.IO;

namespace MnistBn.Inference;

internal static class RegularFile
{
    /// <summary>The largest image file read (a digit picture is kilobytes; a 4096×4096 PNG is well under this).</summary>
    public const long MaxImageBytes = 64L * 1024 * 1024;

    /// <summary>The largest model file opened (the study's LeNet is ~250 KB).</summary>
    public const long MaxModelBytes = 512L * 1024 * 1024;

    /// <summary>The full path of <paramref name="path"/> after checking it is a regular file of at most <paramref name="maxBytes"/>.</summary>
    /// <exception cref="FileNotFoundException">Missing, or a directory.</exception>
    /// <exception cref="InvalidDataException">Not a regular file (FIFO, device, socket), or larger than the limit.</exception>
    public static FileInfo Check(string path, long maxBytes, string what)
    {
        var info = new FileInfo(Path.GetFullPath(path));
        if (Directory.Exists(info.FullName))
            throw new FileNotFoundException($"{info.FullName}: is a directory, not {what}", info.FullName);
        if (!info.Exists)
            throw new FileNotFoundException($"{what} not found: {info.FullName}", info.FullName);
        // Follow a symbolic link to what it names: that is what a read would open.
        var target = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info;
        var kind = target.Exists ? FileKinds.Of(target.FullName).Kind : FileKind.Missing;
        if (kind != FileKind.Regular)
            throw new InvalidDataException($"{info.FullName}: {(kind == FileKind.Other ? "not a regular file" : $"is {FileKinds.Describe(kind)}, not a regular file")}, so not {what}; refusing to read it");
        if (target.Length > maxBytes)
            throw new InvalidDataException($"{info.FullName}: {target.Length:N0} bytes, more than the {maxBytes:N0} accepted for {what}");
        return info;
    }

    /// <summary>The bytes of a checked regular file, never more than <paramref name="maxBytes"/>.</summary>
    public static byte[] ReadAllBytes(string path, long maxBytes, string what)
    {
        var info = Check(path, maxBytes, what);
        using var stream = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read);
        return ReadBounded(stream, maxBytes, info.FullName, what);
    }

    /// <summary>A stream read to its end, refusing more than <paramref name="maxBytes"/> (the file may grow while read).</summary>
    public static byte[] ReadBounded(Stream stream, long maxBytes, string source, string what)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                throw new InvalidDataException($"{source}: more than the {maxBytes:N0} bytes accepted for {what}");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
