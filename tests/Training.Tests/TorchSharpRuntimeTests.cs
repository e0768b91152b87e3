// Pins that TorchSharp loads through TorchSharpRuntime on this OS and really computes.
using System.Runtime.InteropServices;
using MnistBn.OnnxExport.TorchSharp;
using MnistBn.Training.Runtime;
using TorchSharp;

namespace MnistBn.Training.Tests;

public sealed class TorchSharpRuntimeTests
{
    [Fact]
    public void Tensor_matmul_runs_after_EnsureLoaded()
    {
        TorchSharpRuntime.EnsureLoaded(_ => { });
        using var a = torch.tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        using var b = torch.tensor(new float[] { 5, 6, 7, 8 }, [2, 2]);
        using var c = a.matmul(b);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, c.data<float>().ToArray());
    }

    [Fact]
    public void Malloc_tuning_is_accepted_on_glibc_and_declined_elsewhere()
    {
        // CI and the dev machine run Debian (glibc); on other systems Apply must decline quietly.
        var glibc = OperatingSystem.IsLinux() && !RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.Ordinal);
        Assert.Equal(glibc, NativeAllocatorTuning.Apply());
        Assert.Equal(glibc, NativeAllocatorTuning.Apply());
    }

    [Fact]
    public void EnsureLoaded_logs_nothing_after_the_first_call()
    {
        var lines = new List<string>();
        TorchSharpRuntime.EnsureLoaded(lines.Add);
        Assert.Empty(lines);
    }

    [Fact]
    public void Native_library_in_output_needs_no_libstdcxx_version_the_system_lacks()
    {
        var native = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories);
        Assert.NotEmpty(native);
        var stdcxx = File.ReadLines("/proc/self/maps").Select(l => l[(l.IndexOf('/') is var i && i >= 0 ? i : l.Length)..].Trim())
            .First(p => Path.GetFileName(p).StartsWith("libstdc++.so", StringComparison.Ordinal));
        var provided = ElfSymbolVersions.Read(stdcxx).DefinedVersions();
        Assert.Contains("GLIBCXX_3.4.30", provided);
        foreach (var file in native)
        {
            var hard = ElfSymbolVersions.Read(file).NeededVersions()
                .Where(v => (v.Flags & ElfSymbolVersions.WeakFlag) == 0 && !provided.Contains(v.Name) && v.File.StartsWith("libstdc++"));
            Assert.Empty(hard);
        }
    }
}
