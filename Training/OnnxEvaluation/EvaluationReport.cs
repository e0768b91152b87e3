// The JSON evaluation report: what was evaluated, where, and the metrics. Written atomically.
using System.Text.Json.Serialization;
using System.Text.Json;
using MnistBn.Inference;
using MnistBn.Shared.IO;

namespace MnistBn.Training.OnnxEvaluation;

/// <summary>One evaluation run as written to JSON.</summary>
/// <param name="Model">The ONNX file.</param>
/// <param name="Dataset">What was evaluated (IDX file or image folder).</param>
/// <param name="Device">The device that ran it (<c>cpu</c> or <c>cuda:&lt;id&gt;</c>).</param>
/// <param name="CreatedUtc">When the report was made.</param>
/// <param name="Metrics">The metrics.</param>
/// <param name="BadItems">Inputs that were skipped (folder evaluation).</param>
/// <param name="MisclassifiedGrid">The PNG grid of the first misclassified images (tiles in the order of <c>Metrics.Misclassified</c>), if written.</param>
/// <param name="ConfigHash">Hash of the resolved pipeline configuration, if any.</param>
internal sealed record EvaluationReport(
    string Model,
    string Dataset,
    string Device,
    DateTimeOffset CreatedUtc,
    EvaluationMetrics Metrics,
    IReadOnlyList<BadItem> BadItems,
    string? MisclassifiedGrid,
    string? ConfigHash)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Serialises the report to JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a report written by <see cref="Write"/>.</summary>
    public static EvaluationReport Read(string path) =>
        JsonSerializer.Deserialize<EvaluationReport>(BoundedFile.ReadAllText(path, ReadLimits.JsonBytes, "an evaluation report (JSON)"), Json)
            ?? throw new InvalidDataException($"{path}: empty evaluation report");

    /// <summary>Writes the report as JSON to <paramref name="path"/> (temp file, then rename).</summary>
    public void Write(string path) =>
        AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, this, Json));
}
