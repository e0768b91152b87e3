// Which keys two resolved configurations differ in, named by their pipeline.yaml paths (the JSON form
// uses the same snake_case names), e.g. to say why a checkpoint cannot be resumed.
using System.Text.Json.Nodes;

namespace MnistBn.Shared.Configuration;

/// <summary>One value that differs: its key path and both values as JSON.</summary>
public sealed record ConfigDifference(string Path, string Before, string After)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Path} ({Before} → {After})";
}

/// <summary>Compares configurations key by key.</summary>
public static class ConfigDifferences
{
    /// <summary>Every leaf value (or list) that differs between <paramref name="before"/> and <paramref name="after"/>, in key order.</summary>
    public static IReadOnlyList<ConfigDifference> Between(PipelineConfig before, PipelineConfig after)
    {
        var differences = new List<ConfigDifference>();
        Compare(JsonNode.Parse(PipelineConfigJson.Serialize(before)), JsonNode.Parse(PipelineConfigJson.Serialize(after)), "", differences);
        return differences;
    }

    private static void Compare(JsonNode? before, JsonNode? after, string path, List<ConfigDifference> differences)
    {
        if (before is JsonObject a && after is JsonObject b)
        {
            foreach (var key in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
                Compare(a[key], b[key], path.Length == 0 ? key : $"{path}.{key}", differences);
            return;
        }
        // Lists and values compare whole: "model.variants ([nobn,bn] → [bn])" reads better than per index.
        var (x, y) = (before?.ToJsonString() ?? "null", after?.ToJsonString() ?? "null");
        if (x != y)
            differences.Add(new ConfigDifference(path, x, y));
    }
}
