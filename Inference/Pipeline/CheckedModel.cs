// The steps every entry point takes before it builds a pipeline: the model file checked against the
// contract (its labels read), and the device decided once (DeviceResolver warns or refuses).
namespace MnistBn.Inference.Pipeline;

/// <summary>A model file that passed the contract check, with its labels and the device it will run on.</summary>
internal sealed record CheckedModel(string FullPath, IReadOnlyList<string> ClassLabels, IReadOnlyDictionary<string, string> Metadata, int? GpuDeviceId)
{
    /// <inheritdoc cref="DigitClassifier.Create" path="/exception"/>
    public static CheckedModel Open(string modelPath, DigitClassifierOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Device is null)
            throw new ArgumentException("DigitClassifierOptions.Device is null; use \"cpu\", \"cuda\" or \"cuda:<id>\"", nameof(options));
        var full = Path.GetFullPath(modelPath);
        var (labels, metadata) = OnnxModelCheck.ValidateFile(full);
        var gpu = DeviceResolver.Resolve(options.Device, options.AllowCpuFallback, full, options.Log);
        return new CheckedModel(full, labels, metadata, gpu);
    }
}
