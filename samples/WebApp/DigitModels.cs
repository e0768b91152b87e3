// The exported models, each loaded once into a DigitClassifier (thread-safe: it pools ML.NET's
// PredictionEngines) and shared by every request. Loading happens before Kestrel listens, so a
// missing or broken model stops the app at startup with a message that names the file.
// Disposal waits for predictions in progress and refuses later ones, so no request ever runs on a
// disposed classifier (DigitClassifier must not be disposed while it predicts).
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

    /// <summary>Loads every configured model and runs one warm-up prediction through each.</summary>
    /// <exception cref="InvalidOperationException">No model is configured, or one cannot be loaded (the message names the file).</exception>
    public static DigitModels Load(WebAppOptions options, string appFolder, Action<string> log)
    {
        if (options.Models.Count == 0)
            throw new InvalidOperationException($"no models configured: set {WebAppOptions.Section}:Models:<name> to an ONNX file");
        var root = FindRoot(appFolder);
        var loaded = new List<NamedClassifier>();
        try
        {
            foreach (var (name, configured) in options.Models.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                var path = RepositoryPaths.Resolve(root, configured);
                if (!File.Exists(path))
                    throw new InvalidOperationException(
                        $"model '{name}': file not found: {path} (configured as '{configured}' in {WebAppOptions.Section}:Models:{name}; " +
                        "train and export with `dotnet run --project Training -c Release -- run`, or point the setting at an exported file)");
                DigitClassifier classifier;
                try
                {
                    classifier = DigitClassifier.Create(path, new DigitClassifierOptions { Device = options.Device, Log = log });
                }
                catch (Exception e) when (e is InvalidDataException or FileNotFoundException or DeviceUnavailableException)
                {
                    throw new InvalidOperationException($"model '{name}': cannot load {path}: {e.Message}", e);
                }
                loaded.Add(new NamedClassifier(name, classifier));
                // The first prediction pays for ONNX Runtime's lazy initialisation; not a user's request.
                classifier.PredictPixels(new byte[ModelContract.PixelCount]);
                log($"model '{name}' loaded from {path}");
            }
        }
        catch
        {
            foreach (var model in loaded)
                model.Classifier.Dispose();
            throw;
        }
        return new DigitModels(loaded);
    }

    /// <summary>Every model's prediction for <paramref name="image"/>, in model order; null once disposed (the app is stopping).</summary>
    public IReadOnlyList<ModelPrediction>? PredictAll(GrayImage image)
    {
        _gate.EnterReadLock();
        try
        {
            if (_disposed)
                return null;
            var predictions = new List<ModelPrediction>(Models.Count);
            foreach (var (name, classifier) in Models)
            {
                var p = classifier.Predict(image);
                predictions.Add(new ModelPrediction(name, p.Digit, p.Confidence, p.Probabilities));
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

    /// <summary>Waits for predictions in progress, then disposes the classifiers; later PredictAll calls return null.</summary>
    public void Dispose()
    {
        _gate.EnterWriteLock();
        try
        {
            if (_disposed)
                return;
            _disposed = true;
            foreach (var model in Models)
                model.Classifier.Dispose();
        }
        finally
        {
            _gate.ExitWriteLock();
        }
        // The gate itself stays undisposed: a request arriving later must still be able to ask it.
    }
}
