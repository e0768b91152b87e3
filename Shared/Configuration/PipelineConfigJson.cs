// The resolved config as canonical JSON, and its hash: what every checkpoint, model and report carries.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MnistBn.Shared.Configuration;

/// <summary>Serialises <see cref="PipelineConfig"/> for checkpoints, model metadata and reports.</summary>
public static class PipelineConfigJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
    };

    /// <summary>Compact, deterministic JSON of the resolved config.</summary>
    public static string Serialize(PipelineConfig config) => JsonSerializer.Serialize(config, Options);

    /// <summary>Compact, deterministic JSON of one section (or any part) of the config, e.g. to hash a stage's inputs.</summary>
    public static string SerializeSection<T>(T section) => JsonSerializer.Serialize(section, Options);

    /// <summary>Reads JSON written by <see cref="Serialize"/>.</summary>
    public static PipelineConfig Deserialize(string json) =>
        JsonSerializer.Deserialize<PipelineConfig>(json, Options)
        ?? throw new ConfigException("embedded configuration JSON is empty");

    /// <summary>First 16 hex digits of the SHA-256 of <see cref="Serialize"/>: names a config in reports.</summary>
    public static string Hash(PipelineConfig config) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Serialize(config))))[..16];
}
