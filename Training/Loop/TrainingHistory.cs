// The machine-readable history of one variant's run, written next to its checkpoint after every
// epoch: runs/<variant>/history.json.
using System.Text.Json;
using System.Text.Json.Serialization;
using MnistBn.Shared.IO;

namespace MnistBn.Training.Loop;

/// <summary>All epochs so far of one variant, with the config that produced them.</summary>
/// <param name="Variant"><c>bn</c> or <c>nobn</c>.</param>
/// <param name="ConfigHash">PipelineConfigJson.Hash of the resolved config.</param>
/// <param name="Threads">Threads each batch was split over (one TorchSharp thread each).</param>
/// <param name="Epochs">One entry per finished epoch, in order.</param>
public sealed record TrainingHistory(string Variant, string ConfigHash, int Threads, IReadOnlyList<EpochMetrics> Epochs)
{
    /// <summary>The file name inside the variant's output directory.</summary>
    public const string FileName = "history.json";

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes the history atomically.</summary>
    public void Save(string path) => AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, this, Json));

    /// <summary>Reads a history written by <see cref="Save"/>.</summary>
    public static TrainingHistory Load(string path) =>
        JsonSerializer.Deserialize<TrainingHistory>(BoundedFile.ReadAllText(path, ReadLimits.JsonBytes, "a training history (JSON)"), Json)
        ?? throw new InvalidDataException($"{path}: empty training history");
}
