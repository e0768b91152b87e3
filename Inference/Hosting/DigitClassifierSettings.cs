// The options-pattern form of a classifier's settings, for services.AddDigitClassifier: mutable so
// that configuration binding and configure callbacks can fill it, validated once at host start.
using MnistBn.Shared;

namespace MnistBn.Inference;

/// <summary>Settings of a <see cref="DigitClassifier"/> registered with <see cref="DigitClassifierServiceCollectionExtensions.AddDigitClassifier(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{DigitClassifierSettings})"/>.</summary>
public sealed class DigitClassifierSettings
{
    /// <summary>The exported ONNX model (required); a relative path resolves from the current directory.</summary>
    public string ModelPath { get; set; } = "";

    /// <summary><c>cpu</c> (default), <c>cuda</c> or <c>cuda:&lt;id&gt;</c>.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>When CUDA is unusable: true → warn and use the CPU; false → fail at startup.</summary>
    public bool AllowCpuFallback { get; set; } = true;

    /// <summary>Which way round the digits are; <see cref="DigitPolarity.Auto"/> (default) decides per picture.</summary>
    public DigitPolarity Polarity { get; set; } = DigitPolarity.Auto;

    /// <summary>What is wrong with these settings, as one line an app developer can act on; null when valid.</summary>
    internal string? Problem(string name)
    {
        var which = name.Length == 0 ? "the digit classifier" : $"digit classifier '{name}'";
        if (string.IsNullOrWhiteSpace(ModelPath))
            return $"{which}: ModelPath is not set; give the path of an exported .onnx model";
        var full = Path.GetFullPath(ModelPath);
        if (Directory.Exists(full))
            return $"{which}: ModelPath {full} is a directory, not an .onnx model file";
        if (!File.Exists(full))
            return $"{which}: model file not found: {full} (ModelPath '{ModelPath}')";
        if (!DeviceName.IsValid(Device))
            return $"{which}: Device '{Device}' is not a device; use cpu, cuda or cuda:<id>";
        return null;
    }

    internal DigitClassifierOptions ToOptions(Action<string>? log) => new()
    {
        Device = Device,
        AllowCpuFallback = AllowCpuFallback,
        Polarity = Polarity,
        Log = log,
    };
}
