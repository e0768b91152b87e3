// The exported models, each registered with services.AddDigitClassifier (one thread-safe singleton
// per model, disposed with the host) and shared by every request. They load before Kestrel listens,
// so a missing or broken model stops the app at startup with a message that names the file.
// Closing waits for predictions in progress and refuses later ones, so no request ever runs on a
// classifier the container is about to dispose (DigitClassifier must not be disposed while it predicts).
using MnistBn.Inference;
using MnistBn.Shared;

namespace MnistBn.WebApp;

/// <summary>One loaded model: its configured name and its classifier.</summary>
public sealed record NamedClassifier(string Name, DigitClassifier Classifier);

public sealed class DigitModels : IDisposable
{
    // Predictions share the read side; Dispose takes the write side. Predict is synchronous, so a
    // read lock never spans an await (ReaderWriterLockSlim is thread-affine).
    private readonly ReaderWriterLockSlim _gate = new();
    private bool _disposed;

    private DigitModels(IReadOnlyList<NamedClassifier> models) => Models = models;

    /// <summary>The models in configuration order (sorted by name).</summary>
    public IReadOnlyList<NamedClassifier> Models { get; }

    /// <summary>
    /// Registers one keyed <see cref="DigitClassifier"/> singleton per configured model with the Inference
    /// library's DI extension, after checking that each file exists (a message that names the setting).
    /// </summary>
    /// <exception cref="InvalidOperationException">No model is configured, or a file is missing.</exception>
    public static void Register(IServiceCollection services, WebAppOptions options, string appFolder)
    {
        if (options.Models.Count == 0)
            throw new InvalidOperationException($"no models configured: set {WebAppOptions.Section}:Models:<name> to an ONNX file");
        var root = FindRoot(appFolder);
        foreach (var (name, configured) in options.Models)
        {
            var path = RepositoryPaths.Resolve(root, configured);
            if (!File.Exists(path))
                throw new InvalidOperationException(
                    $"model '{name}': file not found: {path} (configured as '{configured}' in {WebAppOptions.Section}:Models:{name}; " +
                    "train and export with `dotnet run --project Training -c Release -- run`, or point the setting at an exported file)");
            services.AddDigitClassifier(name, settings =>
            {
                settings.ModelPath = path;
                settings.Device = options.Device;
            });
        }
        services.AddSingleton(provider => Load(options, provider, provider.GetRequiredService<ILogger<DigitModels>>()));
    }

    /// <summary>Resolves every registered classifier (loading it) and runs one warm-up prediction through each.</summary>
    /// <exception cref="InvalidOperationException">A model cannot be loaded (the message names the file).</exception>
    private static DigitModels Load(WebAppOptions options, IServiceProvider provider, ILogger log)
    {
        var loaded = new List<NamedClassifier>();
        foreach (var name in options.Models.Keys.Order(StringComparer.Ordinal))
        {
            DigitClassifier classifier;
            try
            {
                classifier = provider.GetRequiredKeyedService<DigitClassifier>(name);
            }
            catch (Exception e) when (e is InvalidDataException or FileNotFoundException or DeviceUnavailableException or Microsoft.Extensions.Options.OptionsValidationException)
            {
                throw new InvalidOperationException($"model '{name}': cannot load {options.Models[name]}: {e.Message}", e);
            }
            loaded.Add(new NamedClassifier(name, classifier));
            // The first prediction pays for ONNX Runtime's lazy initialisation; not a user's request.
            classifier.PredictPixels(new byte[ModelContract.PixelCount]);
            log.LogInformation("model '{Name}' loaded from {Path}", name, classifier.ModelPath);
        }
        return new DigitModels(loaded);
    }

    /// <summary>Every model's prediction for <paramref name="image"/>, in model order; null once disposed (the app is stopping).</summary>
    public IReadOnlyList<ModelPrediction>? PredictAll(GrayImage image, DigitPolarity polarity = DigitPolarity.Auto)
    {
        _gate.EnterReadLock();
        try
        {
            if (_disposed)
                return null;
            var predictions = new List<ModelPrediction>(Models.Count);
            foreach (var (name, classifier) in Models)
            {
                var p = classifier.Predict(image, polarity);
                predictions.Add(new ModelPrediction(name, p.Digit, p.Label, p.Confidence, p.IsBlank, p.IsTooSmall, p.Inverted, p.Probabilities));
            }
            return predictions;
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>The repository root when the app runs inside the repository, else the app's own folder.</summary>
    private static string FindRoot(string appFolder)
    {
        try
        {
            return RepositoryPaths.FindRoot();
        }
        catch (FileNotFoundException)
        {
            return appFolder;
        }
    }

    /// <summary>Whether the models are loaded and still serving (false once shutdown has closed them).</summary>
    public bool IsServing => !Volatile.Read(ref _disposed);

    /// <summary>
    /// Waits for predictions in progress, then refuses later ones (PredictAll returns null). The
    /// classifiers themselves belong to the DI container, which disposes them with the host, after this.
    /// </summary>
    public void Dispose()
    {
        _gate.EnterWriteLock();
        try
        {
            _disposed = true;
        }
        finally
        {
            _gate.ExitWriteLock();
        }
        // The gate itself stays undisposed: a request arriving later must still be able to ask it.
    }
}
