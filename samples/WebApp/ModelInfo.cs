// What the page says about a model before anyone draws: what the variant is and how accurate it was
// on the test set, both read from the model file's own metadata (the exporter wrote them).
using System.Text.Json;
using MnistBn.Inference;
using MnistBn.Shared;

namespace MnistBn.WebApp;

internal static class ModelInfo
{
    // The study's variants; a model of another variant is described by its name alone.
    private static readonly Dictionary<string, string> Variants = new(StringComparer.Ordinal)
    {
        [VariantNames.BatchNorm] = "LeNet with BatchNorm before each hidden ReLU",
        [VariantNames.NoBatchNorm] = "LeNet without BatchNorm",
        [VariantNames.BatchNormAfter] = "LeNet with BatchNorm after each hidden ReLU",
    };

    // Test-set accuracy keys, most specific first: the exporter records the eager model's metrics.
    private static readonly string[] AccuracyKeys = ["accuracy", "test_accuracy", "eager_test_accuracy"];

    public static string Describe(DigitClassifier classifier)
    {
        var variant = classifier.Metadata.GetValueOrDefault(ModelMetadataKeys.Variant);
        var dataset = classifier.Metadata.GetValueOrDefault(ModelMetadataKeys.Dataset);
        var what = variant is not null && Variants.TryGetValue(variant, out var text) ? text : $"model {Path.GetFileName(classifier.ModelPath)}";
        return dataset is null ? what : $"{what}, trained on {dataset}";
    }

    /// <summary>The test accuracy in the model's metadata (0–1), or null when it records none.</summary>
    public static double? TestAccuracy(DigitClassifier classifier)
    {
        if (!classifier.Metadata.TryGetValue(ModelMetadataKeys.TestMetrics, out var json))
            return null;
        try
        {
            using var metrics = JsonDocument.Parse(json);
            foreach (var key in AccuracyKeys)
            {
                if (metrics.RootElement.ValueKind == JsonValueKind.Object
                    && metrics.RootElement.TryGetProperty(key, out var value) && value.TryGetDouble(out var accuracy) && accuracy is >= 0 and <= 1)
                    return accuracy;
            }
        }
        catch (JsonException)
        {
            // A model with unreadable metrics is still a model; the page just shows no accuracy.
        }
        return null;
    }
}
