// Lets `mnistbn run` skip a stage whose inputs are unchanged and whose outputs still verify.
// A stamp records the hash of the stage's inputs (config values, data hashes, the stage's code version)
// and the SHA-256 of each output; it is written only after the stage has finished.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MnistBn.Shared.Data;
using MnistBn.Shared.IO;

namespace MnistBn.Training.Stages;

internal sealed record StageStamp(string Stage, string InputsHash, IReadOnlyDictionary<string, string> Outputs)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>SHA-256 (hex) of the parts that define a stage's inputs, in order.</summary>
    public static string HashInputs(params string[] parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts))));

    /// <summary>True when <paramref name="stampPath"/> exists, records the same inputs, and every output still hashes the same.</summary>
    public static bool IsFresh(string stampPath, string inputsHash)
    {
        if (!File.Exists(stampPath))
            return false;
        StageStamp? stamp;
        try
        {
            stamp = JsonSerializer.Deserialize<StageStamp>(BoundedFile.ReadAllText(stampPath, ReadLimits.JsonBytes, "a stage stamp (JSON)"), Json);
        }
        catch (JsonException)
        {
            return false; // an unreadable stamp only means "redo the stage"
        }
        return stamp is not null && stamp.InputsHash == inputsHash
            && stamp.Outputs.All(o => File.Exists(o.Key) && Sha256File.Compute(o.Key) == o.Value);
    }

    /// <summary>Records that <paramref name="stage"/> finished with these inputs and outputs.</summary>
    public static void Write(string stampPath, string stage, string inputsHash, IEnumerable<string> outputs)
    {
        var hashes = outputs.ToDictionary(Path.GetFullPath, Sha256File.Compute);
        AtomicFile.WriteAllText(stampPath, JsonSerializer.Serialize(new StageStamp(stage, inputsHash, hashes), Json));
    }
}
