// Applies one `key.path=value` command-line override to the parsed YAML tree, before validation,
// so an override is checked exactly like the file itself.
using YamlDotNet.RepresentationModel;

namespace MnistBn.Shared.Configuration;

internal static class ConfigOverride
{
    public static void Apply(YamlMappingNode root, string assignment, YamlOrigins origins)
    {
        var equals = assignment.IndexOf('=');
        if (equals <= 0)
            throw new ConfigException($"--set {assignment}: expected key.path=value");
        var keyPath = assignment[..equals].Trim();
        var valueText = assignment[(equals + 1)..].Trim();

        var segments = keyPath.Split('.');
        var mapping = root;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            if (!mapping.Children.TryGetValue(new YamlScalarNode(segments[i]), out var child) || child is not YamlMappingNode next)
                throw new ConfigException($"--set {assignment}: '{string.Join('.', segments[..(i + 1)])}' is not a section of {origins.File}");
            mapping = next;
        }
        var key = new YamlScalarNode(segments[^1]);
        if (!mapping.Children.ContainsKey(key))
            throw new ConfigException($"--set {assignment}: unknown key '{keyPath}' in {origins.File}");
        // Parse the value as YAML so lists ("[bn]") and numbers behave as in the file.
        var value = PipelineConfigLoader.ParseMapping($"value: {valueText}", _ => $"--set {assignment}")
            .Children[new YamlScalarNode("value")];
        origins.AddOverride(value, assignment);
        mapping.Children[key] = value;
    }
}
