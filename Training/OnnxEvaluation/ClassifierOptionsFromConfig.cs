// pipeline.yaml's evaluation section as the Inference library's classifier options (the library
// itself knows nothing of pipeline.yaml, so apps do not carry the configuration code).
using MnistBn.Inference;
using MnistBn.Shared.Configuration;

namespace MnistBn.Training.OnnxEvaluation;

internal static class ClassifierOptionsFromConfig
{
    /// <summary>Device and fallback from <c>evaluation</c>; <paramref name="log"/> receives warnings.</summary>
    public static DigitClassifierOptions For(EvaluationConfig evaluation, Action<string>? log = null) => new()
    {
        Device = evaluation.Device,
        AllowCpuFallback = evaluation.AllowCpuFallback,
        Log = log,
    };
}
