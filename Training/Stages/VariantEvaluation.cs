// The evaluation stage's result for one variant: the eager (TorchSharp) test metrics, the exported
// model's metrics through the ML.NET pipeline, and how many test images the two classify differently.
// Published as models/lenet-<variant>.metrics.json; Model is the repository-relative path
// (RepositoryPaths.Portable), so the published file holds no path of the machine that made it.
using System.Text.Json;
using MnistBn.Training.OnnxEvaluation;
using MnistBn.Inference;
using MnistBn.Shared.IO;
using MnistBn.Training.Report;

namespace MnistBn.Training.Stages;

internal sealed record VariantEvaluation(
    string Variant,
    string Model,
    TestMetrics Eager,
    EvaluationMetrics OnnxMlNet,
    int Disagreements,
    IReadOnlyList<int> DisagreementIndices)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json), "evaluation metrics");

    public static VariantEvaluation Load(string path) =>
        JsonSerializer.Deserialize<VariantEvaluation>(BoundedFile.ReadAllText(path, ReadLimits.JsonBytes, "a variant evaluation (JSON)"), Json)
        ?? throw new InvalidDataException($"{path}: empty evaluation metrics");
}
