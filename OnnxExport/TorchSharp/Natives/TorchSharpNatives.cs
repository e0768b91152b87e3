// Makes TorchSharp 0.107.0 load on systems whose libstdc++ is older than the one it was built with.
// Its libLibTorchSharp.so asks libstdc++ for GLIBCXX_3.4.32 (GCC 13) only because GCC 13 references
// std::ios_base_library_init() to pin the library version; no relocation uses that symbol (libtorch
// initialises iostreams itself). Debian 12 ships GLIBCXX_3.4.30, so the dynamic linker refuses the
// library. Where — and only where — the system libstdc++ lacks that version, we set VER_FLG_WEAK on
// the requirement in the copy of libLibTorchSharp.so that the build placed in our own output folder
// (never the NuGet cache, never the system). That is exactly the file TorchSharp then loads by name,
// so no resolver tricks are needed and TorchSharp's own fallback paths stay untouched.
// Where it is not fixed, TorchSharp fails with "This application or script uses TorchSharp but doesn't
// contain a reference to libtorch-cpu-linux-x64", which points the wrong way; `ldd` on the .so shows
// the real cause.
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using TorchSharp;

namespace MnistBn.OnnxExport.TorchSharp;

/// <summary>Call <see cref="EnsureLoadable"/> once at startup, before the first torch call.</summary>
public static class TorchSharpNatives
{
    private const string NativeFileName = "libLibTorchSharp.so";
    private const string StdCxxSoname = "libstdc++.so.6";
    // The only requirement known to be safe to weaken (see the file comment); any other missing
    // version is a real incompatibility and is reported instead.
    private const string WeakenableVersion = "GLIBCXX_3.4.32";

    private static readonly Lock Gate = new();
    private static string? _done;

    /// <summary>
    /// Prepares TorchSharp's native library where this system needs it and loads its CPU backend.
    /// Returns one line saying what was done (log it); later calls return the same line and do nothing.
    /// </summary>
    /// <exception cref="FileNotFoundException">No libLibTorchSharp.so where TorchSharp looks (no LibTorch package referenced).</exception>
    /// <exception cref="InvalidOperationException">The library needs a libstdc++ version that cannot safely be weakened.</exception>
    public static string EnsureLoadable()
    {
        lock (Gate)
        {
            if (_done is not null)
                return _done;
            var message = OperatingSystem.IsLinux()
                ? PrepareLinuxNatives()
                : "TorchSharp: not Linux; loading the package's native libraries as shipped";
            torch.InitializeDeviceType(DeviceType.CPU);
            return _done = message;
        }
    }

    [SupportedOSPlatform("linux")]
    private static string PrepareLinuxNatives()
    {
        var stdCxxPath = SystemStdCxxPath();
        var provided = ElfSymbolVersions.Read(stdCxxPath).DefinedVersions();
        var candidates = CandidateNativeFiles();
        if (candidates.Count == 0)
            throw new FileNotFoundException(
                $"TorchSharp: {NativeFileName} not found in the native search directories ({string.Join(", ", SearchDirectories())}); is TorchSharp-cpu referenced?");

        var patched = new List<string>();
        var alreadyWeak = new List<string>();
        foreach (var file in candidates)
        {
            var elf = ElfSymbolVersions.Read(file);
            var fromStdCxx = elf.NeededVersions().Where(v => v.File.StartsWith("libstdc++", StringComparison.Ordinal)).ToList();
            var missing = fromStdCxx.Where(v => !provided.Contains(v.Name)).ToList();
            if (missing.Count == 0)
                continue;
            var unsafeMissing = missing.Where(v => v.Name != WeakenableVersion).Select(v => v.Name).ToList();
            if (unsafeMissing.Count > 0)
                throw new InvalidOperationException(
                    $"TorchSharp: {file} needs {string.Join(", ", unsafeMissing)} from libstdc++, which {stdCxxPath} lacks; a newer libstdc++ is required.");
            var required = missing.Single();
            if ((required.Flags & ElfSymbolVersions.WeakFlag) != 0)
            {
                alreadyWeak.Add(file);
                continue;
            }
            elf.SetFlags(required, (ushort)(required.Flags | ElfSymbolVersions.WeakFlag));
            WriteAtomically(file, elf.Image);
            patched.Add(file);
        }

        if (patched.Count == 0 && alreadyWeak.Count == 0)
            return $"TorchSharp: system libstdc++ ({stdCxxPath}) provides {WeakenableVersion}; native libraries used as shipped";
        var done = patched.Count > 0
            ? $"marked it weak in {string.Join(", ", patched)}"
            : $"already marked weak in {string.Join(", ", alreadyWeak)}";
        return $"TorchSharp: system libstdc++ ({stdCxxPath}) lacks {WeakenableVersion}; {done} (our build-output copy, not the package cache)";
    }

    // The libstdc++ this process actually uses (the .NET host is C++ and has it mapped already):
    // exactly the one the dynamic linker will bind libLibTorchSharp.so against.
    private static string SystemStdCxxPath()
    {
        NativeLibrary.Load(StdCxxSoname);
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var slash = line.IndexOf('/');
            if (slash >= 0 && Path.GetFileName(line[slash..]).StartsWith("libstdc++.so", StringComparison.Ordinal))
                return line[slash..].Trim();
        }
        throw new FileNotFoundException($"TorchSharp: loaded {StdCxxSoname} but cannot find its path in /proc/self/maps");
    }

    // Every copy of libLibTorchSharp.so that TorchSharp's loader may pick: the runtime's native
    // search directories (from the app's deps.json), the app folder, and the `cpu/` folder that
    // TorchSharp consolidates natives into when its first attempt fails.
    private static List<string> CandidateNativeFiles() =>
        SearchDirectories()
            .Select(dir => Path.GetFullPath(Path.Combine(dir, NativeFileName)))
            .Where(File.Exists)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    private static IEnumerable<string> SearchDirectories()
    {
        var fromDeps = (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var torchSharpDir = Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? AppContext.BaseDirectory;
        return fromDeps.Append(AppContext.BaseDirectory).Append(torchSharpDir).Append(Path.Combine(torchSharpDir, "cpu"));
    }

    // Another process may be loading the old file right now: renaming over it leaves its mapping intact.
    [SupportedOSPlatform("linux")]
    private static void WriteAtomically(string path, byte[] image)
    {
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, image);
        File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
        File.Move(temp, path, overwrite: true);
    }
}
