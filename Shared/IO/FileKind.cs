// Tells a regular file from a FIFO, socket or device without opening it: opening a FIFO for reading
// blocks until a writer appears, and .NET's FileInfo shows a FIFO or /dev/zero as a plain file of
// length 0. The runtime's own native shim (System.Native, which FileInfo itself calls) has a stat
// whose result has one layout on every Unix: the raw st_mode is its second 32-bit field, the size
// its first 64-bit one. Only those two fields are read (later fields moved between .NET versions).
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace MnistBn.Shared.IO;

/// <summary>What a path names, links followed.</summary>
internal enum FileKind
{
    /// <summary>Nothing there (or a broken link).</summary>
    Missing,

    /// <summary>A regular file: the only kind the project reads.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A FIFO (named pipe): reading it would block until someone writes.</summary>
    Fifo,

    /// <summary>A character device such as /dev/zero or /dev/random: endless data.</summary>
    CharacterDevice,

    /// <summary>A block device (a disk).</summary>
    BlockDevice,

    /// <summary>A Unix domain socket.</summary>
    Socket,

    /// <summary>Any other kind a platform has.</summary>
    Other,
}

internal static class FileKinds
{
    private const int TypeMask = 0xF000; // S_IFMT; System.Native passes st_mode through unchanged

    /// <summary>The kind of <paramref name="path"/> (links followed) and its size in bytes.</summary>
    public static (FileKind Kind, long Size) Of(string path)
    {
        if (OperatingSystem.IsWindows())
            return Managed(path);
        var status = new byte[256]; // System.Native's FileStatus is 120 bytes today
        try
        {
            if (Stat(path, status) != 0)
                return Managed(path); // missing, or no permission: FileInfo reports it as the open would
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return Managed(path);
        }
        var size = BinaryPrimitives.ReadInt64LittleEndian(status.AsSpan(16));
        var kind = (BinaryPrimitives.ReadInt32LittleEndian(status.AsSpan(4)) & TypeMask) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Other,
        };
        return (kind, size);
    }

    /// <summary>Words for messages: "a FIFO (named pipe)".</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Missing => "missing",
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a directory",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        _ => "not a regular file",
    };

    // Windows (no FIFOs among files) and the unlikely runtime without the shim: what .NET itself knows.
    private static (FileKind, long) Managed(string path) =>
        System.IO.Directory.Exists(path) ? (FileKind.Directory, 0)
        : new FileInfo(path) is { Exists: true } file ? (FileKind.Regular, file.Length)
        : (FileKind.Missing, 0);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat")]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] status);
}
