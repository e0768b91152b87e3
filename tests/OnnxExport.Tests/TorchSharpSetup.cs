// Loads TorchSharp through the exporter's remedy before any test in this assembly touches torch. The
// tests seed torch's global generator (module initialisation, inputs), so they run one at a time.
using System.Runtime.CompilerServices;
using MnistBn.OnnxExport.TorchSharp;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace MnistBn.OnnxExport.Tests;

internal static class TorchSharpSetup
{
#pragma warning disable CA2255 // A test assembly is an application entry point: the remedy must run before any test.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => Console.WriteLine(TorchSharpNatives.EnsureLoadable());
}
