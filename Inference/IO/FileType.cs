// The Unix file type (regular, FIFO, socket, device) without opening the file: opening a FIFO for
// reading blocks until a writer appears, and .NET's FileInfo reports a FIFO or /dev/zero as a plain
// file of length 0. The runtime's own native shim (System.Native, which FileInfo uses) has a stat
// with a layout of its own, the same on every platform: the mode is its second 32-bit field.
using System.Runtime.InteropServices;

namespace MnistBn.Inference;

internal static class FileType
{
    private const int TypeMask = 0xF000; // S_IFMT
    private const int Regular = 0x8000;  // S_IFREG

    /// <summary>Whether <paramref name="path"/> (links followed) is a regular file; true where it cannot be told.</summary>
    public static bool IsRegular(string path)
    {
        if (OperatingSystem.IsWindows())
            return true;
        var status = new byte[256]; // System.Native's FileStatus is ~120 bytes
        try
        {
            if (Stat(path, status) != 0)
                return true; // let the open report the real error
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return true;
        }
        return (BitConverter.ToInt32(status, 4) & TypeMask) == Regular;
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat")]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] status);
}
