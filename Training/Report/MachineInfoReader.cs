// Describes the machine and package versions for the report, so numbers always travel with their context.
using System.Reflection;
using System.Runtime.InteropServices;

namespace MnistBn.Training.Report;

internal static class MachineInfoReader
{
    public static MachineInfo Read(int trainingThreads) => new(
        RuntimeInformation.OSDescription,
        ProcessorName(),
        Environment.ProcessorCount,
        trainingThreads,
        RuntimeInformation.FrameworkDescription,
        PackageVersions());

    private static string ProcessorName()
    {
        const string cpuInfo = "/proc/cpuinfo";
        if (File.Exists(cpuInfo))
        {
            var line = File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null)
                return line[(line.IndexOf(':') + 1)..].Trim();
        }
        return RuntimeInformation.ProcessArchitecture.ToString();
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
