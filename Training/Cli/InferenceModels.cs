// Which ONNX files the inference commands use: --model paths as given, else the exported
// lenet-<variant>.onnx files in export.directory (all variants, or the preferred one).
using MnistBn.Shared;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Stages;

namespace MnistBn.Training.Cli;

internal static class InferenceModels
{
    /// <summary>The exported (BatchNorm-folded) model of <paramref name="variant"/>.</summary>
    public static string Exported(PipelineConfig config, string root, string variant) =>
        new StudyPaths(config, root).Model(variant);

    /// <summary>
    /// The models to use: explicit paths if any; with <paramref name="all"/> every variant in
    /// model.variants; otherwise the <c>bn</c> model (or the first variant when bn is not trained).
    /// </summary>
    public static IReadOnlyList<string> Select(PipelineConfig config, string root, IReadOnlyList<FileInfo>? explicitModels, bool all)
    {
        if (explicitModels is { Count: > 0 })
            return [.. explicitModels.Select(m => m.FullName)];
        if (all)
            return [.. config.Model.Variants.Select(v => Exported(config, root, v))];
        var preferred = config.Model.Variants.Contains(VariantNames.BatchNorm) ? VariantNames.BatchNorm : config.Model.Variants[0];
        return [Exported(config, root, preferred)];
    }

    /// <summary>A short name for a model file, for tables and report names (lenet-bn.onnx → lenet-bn).</summary>
    public static string ShortName(string modelPath) => Path.GetFileNameWithoutExtension(modelPath);
}
