// A strict view of one YAML mapping: every read names its key path, and keys nobody read are errors.
using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace MnistBn.Shared.Configuration;

internal sealed class YamlSection
{
    private readonly YamlMappingNode _node;
    private readonly YamlOrigins _origins;
    private readonly string _path;
    private readonly HashSet<string> _read = [];

    public YamlSection(YamlMappingNode node, YamlOrigins origins, string path)
    {
        _node = node;
        _origins = origins;
        _path = path;
    }

    public YamlSection Section(string key)
    {
        var node = Required(key);
        if (node is not YamlMappingNode mapping)
            throw Error(key, node, "expected a mapping of keys");
        return new YamlSection(mapping, _origins, PathOf(key));
    }

    public IReadOnlyList<YamlSection> SectionList(string key)
    {
        var node = Required(key);
        if (node is not YamlSequenceNode sequence)
            throw Error(key, node, "expected a list");
        var sections = new List<YamlSection>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (sequence.Children[i] is not YamlMappingNode item)
                throw Error($"{key}[{i}]", sequence.Children[i], "expected a mapping of keys");
            sections.Add(new YamlSection(item, _origins, $"{PathOf(key)}[{i}]"));
        }
        return sections;
    }

    public IReadOnlyList<string> StringList(string key, IReadOnlyCollection<string> allowed)
    {
        var node = Required(key);
        if (node is not YamlSequenceNode sequence)
            throw Error(key, node, "expected a list");
        var values = new List<string>();
        foreach (var child in sequence.Children)
        {
            var value = (child as YamlScalarNode)?.Value;
            if (value is null || !allowed.Contains(value))
                throw Error(key, child, $"expected one of {string.Join(", ", allowed)}, got '{child}'");
            if (values.Contains(value))
                throw Error(key, child, $"'{value}' is listed twice");
            values.Add(value);
        }
        if (values.Count == 0)
            throw Error(key, node, "the list must not be empty");
        return values;
    }

    /// <summary>Exactly <paramref name="count"/> distinct, non-empty strings (class labels).</summary>
    public IReadOnlyList<string> Labels(string key, int count)
    {
        var node = Required(key);
        if (node is not YamlSequenceNode sequence)
            throw Error(key, node, $"expected a list of {count} labels");
        var labels = new List<string>();
        foreach (var child in sequence.Children)
        {
            var value = (child as YamlScalarNode)?.Value;
            if (string.IsNullOrWhiteSpace(value))
                throw Error(key, child, "a label must be a non-empty single value");
            if (labels.Contains(value))
                throw Error(key, child, $"'{value}' is listed twice");
            labels.Add(value);
        }
        if (labels.Count != count)
            throw Error(key, node, $"expected {count} labels (one per model output), got {labels.Count}");
        return labels;
    }

    /// <summary>A list of numbers, each in [min, max] (or (min, max]); empty only where <paramref name="allowEmpty"/>.</summary>
    public IReadOnlyList<double> DoubleList(string key, double min, double max, bool minExclusive = false, bool allowEmpty = false)
    {
        var node = Required(key);
        if (node is not YamlSequenceNode sequence)
            throw Error(key, node, "expected a list of numbers");
        var values = new List<double>();
        foreach (var child in sequence.Children)
        {
            var text = (child as YamlScalarNode)?.Value;
            if (text is null || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
                throw Error(key, child, $"expected a number, got '{child}'");
            var belowMin = minExclusive ? number <= min : number < min;
            if (belowMin || number > max)
                throw Error(key, child, $"{text} is out of range {(minExclusive ? "(" : "[")}{min}, {max}]");
            if (values.Contains(number))
                throw Error(key, child, $"{text} is listed twice");
            values.Add(number);
        }
        if (values.Count == 0 && !allowEmpty)
            throw Error(key, node, "the list must not be empty");
        return values;
    }

    /// <summary>Whether this mapping has <paramref name="key"/> (an optional section).</summary>
    public bool Has(string key) => _node.Children.ContainsKey(new YamlScalarNode(key));

    public string String(string key, IReadOnlyCollection<string>? allowed = null)
    {
        var (scalar, value) = Scalar(key);
        if (value.Length == 0)
            throw Error(key, scalar, "must not be empty");
        if (allowed is not null && !allowed.Contains(value))
            throw Error(key, scalar, $"expected one of {string.Join(", ", allowed)}, got '{value}'");
        return value;
    }

    public string OptionalString(string key, string fallback, IReadOnlyCollection<string>? allowed = null) =>
        _node.Children.ContainsKey(new YamlScalarNode(key)) ? String(key, allowed) : MarkRead(key, fallback);

    public bool OptionalBool(string key, bool fallback) =>
        _node.Children.ContainsKey(new YamlScalarNode(key)) ? Bool(key) : MarkRead(key, fallback);

    public bool Bool(string key)
    {
        var (scalar, value) = Scalar(key);
        return value.ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => throw Error(key, scalar, $"expected true or false, got '{value}'"),
        };
    }

    public int Int(string key, int min, int max)
    {
        var (scalar, value) = Scalar(key);
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
            throw Error(key, scalar, $"expected an integer, got '{value}'");
        if (number < min || number > max)
            throw Error(key, scalar, $"{number} is out of range [{min}, {max}]");
        return number;
    }

    public long Long(string key)
    {
        var (scalar, value) = Scalar(key);
        if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
            throw Error(key, scalar, $"expected an integer, got '{value}'");
        return number;
    }

    /// <summary>A number in [min, max]; <paramref name="minExclusive"/> excludes the lower bound.</summary>
    public double Double(string key, double min, double max, bool minExclusive = false)
    {
        var (scalar, value) = Scalar(key);
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            || !double.IsFinite(number))
            throw Error(key, scalar, $"expected a number, got '{value}'");
        var belowMin = minExclusive ? number <= min : number < min;
        if (belowMin || number > max)
            throw Error(key, scalar, $"{value} is out of range {(minExclusive ? "(" : "[")}{min}, {max}]");
        return number;
    }

    /// <summary>"file:line: 'path'" (or "--set …: 'path'") for a key that was read, to prefix an error found after reading.</summary>
    public string PathDescription(string key) =>
        $"{_origins.Describe(_node.Children[new YamlScalarNode(key)])}: '{PathOf(key)}'";

    /// <summary>Fails on the first key of this mapping that no reader asked for.</summary>
    public void EnsureNoUnknownKeys()
    {
        foreach (var (keyNode, _) in _node.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
                throw new ConfigException($"{_origins.Describe(keyNode)}: a key in '{(_path.Length == 0 ? "(top level)" : _path)}' is not a plain name");
            if (!_read.Contains(key))
                throw Error(key, keyNode, "unknown key");
        }
    }

    private T MarkRead<T>(string key, T value)
    {
        _read.Add(key);
        return value;
    }

    private (YamlNode Node, string Value) Scalar(string key)
    {
        var node = Required(key);
        if (node is not YamlScalarNode { Value: { } value })
            throw Error(key, node, "expected a single value");
        return (node, value);
    }

    private YamlNode Required(string key)
    {
        _read.Add(key);
        if (!_node.Children.TryGetValue(new YamlScalarNode(key), out var node))
            throw new ConfigException($"{_origins.Describe(_node)}: missing key '{PathOf(key)}' in the mapping that starts here");
        return node;
    }

    private string PathOf(string key) => _path.Length == 0 ? key : $"{_path}.{key}";

    private ConfigException Error(string key, YamlNode node, string problem) =>
        new($"{_origins.Describe(node)}: '{PathOf(key)}': {problem}");
}
