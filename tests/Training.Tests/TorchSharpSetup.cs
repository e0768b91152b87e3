// Loads TorchSharp through the project's remedy before any test in this assembly touches torch.
using System.Runtime.CompilerServices;
using MnistBn.Training.Runtime;

namespace MnistBn.Training.Tests;

internal static class TorchSharpSetup
{
#pragma warning disable CA2255 // A test assembly is an application entry point: the remedy must run before any test.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => TorchSharpRuntime.EnsureLoaded(Console.WriteLine);
}
