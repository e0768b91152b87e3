// Describes the machine and package versions for the report, so numbers always travel with their context.
// The instruction set is part of that context: the same code, seed and thread count give other bits
// on a CPU with another one (the C# kernels, .NET's JIT and oneDNN each pick their code by it).
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace MnistBn.Training.Report;

internal static class MachineInfoReader
{
    public static MachineInfo Read(int trainingThreads) => new(
        RuntimeInformation.OSDescription,
        ProcessorName(),
        InstructionSet(),
        Environment.ProcessorCount,
        trainingThreads,
        RuntimeInformation.FrameworkDescription,
        PackageVersions());

    /// <summary>One line for pages that show no machine section: processor, instruction set, cores, .NET.</summary>
    public static string Summary() =>
        $"{ProcessorName()}, {InstructionSet()}, {Environment.ProcessorCount} cores, .NET {Environment.Version}";

    // The model name, and for x86 the family and model numbers: a VM often reports only "AMD EPYC",
    // which names no generation (family 25 model 1 is Zen 3, model 17 Zen 4).
    private static string ProcessorName()
    {
        const string cpuInfo = "/proc/cpuinfo";
        if (!File.Exists(cpuInfo))
            return RuntimeInformation.ProcessArchitecture.ToString();
        var first = File.ReadLines(cpuInfo).TakeWhile(l => l.Length > 0).ToList(); // the first processor's block
        string? Field(string name) => first
            .Where(l => l.StartsWith(name, StringComparison.Ordinal) && l[name.Length..].TrimStart().StartsWith(':'))
            .Select(l => l[(l.IndexOf(':') + 1)..].Trim())
            .FirstOrDefault();
        var model = Field("model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        var (family, number) = (Field("cpu family"), Field("model"));
        return family is null || number is null ? model : $"{model} (family {family}, model {number})";
    }

    // The widest vector instruction set .NET uses here, as the C# kernels see it. Settings that make
    // .NET or LibTorch's oneDNN use less than the CPU has are named with it.
    private static string InstructionSet()
    {
        var isa = Avx512F.IsSupported ? "AVX-512"
            : Avx2.IsSupported ? "AVX2"
            : Sse2.IsSupported ? "SSE only (no AVX2)"
            : AdvSimd.IsSupported ? "ARM64 AdvSIMD"
            : RuntimeInformation.ProcessArchitecture.ToString() + ", no SIMD";
        string[] limits = ["DOTNET_EnableAVX512F", "DOTNET_EnableAVX2", "DOTNET_EnableHWIntrinsic", "ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA"];
        var set = limits.Where(name => Environment.GetEnvironmentVariable(name) is not null)
            .Select(name => $"{name}={Environment.GetEnvironmentVariable(name)}").ToList();
        return set.Count == 0 ? isa : $"{isa} ({string.Join(", ", set)})";
    }

    // Informational versions of the assemblies that matter for the numbers, as loaded in this process.
    private static Dictionary<string, string> PackageVersions()
    {
        string[] names = ["TorchSharp", "Microsoft.ML", "Microsoft.ML.OnnxTransformer", "Microsoft.ML.OnnxRuntime", "Microsoft.ML.ImageAnalytics", "OnnxSharp"];
        var versions = new Dictionary<string, string>();
        foreach (var name in names)
        {
            try
            {
                var assembly = Assembly.Load(name);
                var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                    ?? assembly.GetName().Version?.ToString() ?? "?";
                versions[name] = version.Split('+')[0];
            }
            catch (FileNotFoundException)
            {
                versions[name] = "not loaded";
            }
        }
        return versions;
    }
}
