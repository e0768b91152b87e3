// The exported models, each loaded once into a DigitClassifier (thread-safe: it pools ML.NET's
// PredictionEngines) and shared by every request. Loading happens before Kestrel listens, so a
// missing or broken model stops the app at startup with a message that names the file.
using MnistBn.Inference;
using MnistBn.Shared;

namespace MnistBn.WebApp;

/// <summary>One loaded model: its configured name and its classifier.</summary>
public sealed record NamedClassifier(string Name, DigitClassifier Classifier);

public sealed class DigitModels : IDisposable
{
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

    public void Dispose()
    {
        foreach (var model in Models)
            model.Classifier.Dispose();
    }
}
