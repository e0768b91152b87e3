// LibTorch allocates every tensor with malloc. glibc serves large blocks with fresh mmap calls until
// its adaptive threshold has grown past them, and returns freed heap tops to the kernel, so the 2 MB
// conv1 maps, allocated and freed a dozen times per batch, keep coming back as new pages that the
// kernel has to fault in and clear, and the layers on those maps run at an unsteady speed.
// Fixed thresholds keep freed tensors in the heap for reuse; memory stays bounded by the peak of one
// batch, which the process reaches anyway.
using System.Runtime.InteropServices;

namespace MnistBn.Training.Runtime;

/// <summary>Tunes glibc's malloc for a process that allocates and frees the same large tensors every batch.</summary>
public static class NativeAllocatorTuning
{
    // From glibc's malloc.h.
    private const int TrimThreshold = -1;
    private const int MmapThreshold = -3;

    // glibc caps the mmap threshold at 32 MiB on 64-bit systems (HEAP_MAX_SIZE / 2).
    private const int MmapThresholdBytes = 32 * 1024 * 1024;
    private const int TrimThresholdBytes = 1024 * 1024 * 1024;

    private static readonly Lazy<bool> Applied = new(TryApply);

    /// <summary>
    /// Applies the settings (once per process) where glibc is the C library; elsewhere (Windows, macOS,
    /// musl) does nothing. Returns whether glibc accepted them.
    /// </summary>
    public static bool Apply() => Applied.Value;

    private static bool TryApply()
    {
        if (!OperatingSystem.IsLinux())
            return false;
        try
        {
            return mallopt(MmapThreshold, MmapThresholdBytes) == 1 && mallopt(TrimThreshold, TrimThresholdBytes) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // not glibc (musl has no mallopt)
        }
    }

    // DllImport rather than LibraryImport: two int arguments need no marshalling, and LibraryImport
    // would require unsafe code in the whole project.
#pragma warning disable SYSLIB1054
    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    private static extern int mallopt(int parameter, int value);
#pragma warning restore SYSLIB1054
}
