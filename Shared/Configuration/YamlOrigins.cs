// Where each node of the parsed configuration came from, for error messages: a line of the file, or the
// `--set` argument that replaced it (whose own text is a one-line YAML document, so its line number
// would point at line 1 of the file).
using YamlDotNet.RepresentationModel;

namespace MnistBn.Shared.Configuration;

internal sealed class YamlOrigins(string file)
{
    // Nodes compare by value in YamlDotNet; an origin belongs to one node object.
    private readonly Dictionary<YamlNode, string> _overrides = new(ReferenceEqualityComparer.Instance);

    /// <summary>The configuration file's name as the user gave it.</summary>
    public string File { get; } = file;

    /// <summary>Records that <paramref name="value"/> and everything inside it came from <paramref name="assignment"/>.</summary>
    public void AddOverride(YamlNode value, string assignment)
    {
        foreach (var node in value.AllNodes)
            _overrides[node] = assignment;
    }

    /// <summary>"--set key=value" for an override's node, else "file:line".</summary>
    public string Describe(YamlNode node) =>
        _overrides.TryGetValue(node, out var assignment) ? $"--set {assignment}" : $"{File}:{node.Start.Line}";
}
