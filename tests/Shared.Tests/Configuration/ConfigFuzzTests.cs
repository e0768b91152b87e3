// The loader against many broken copies of the repository's pipeline.yaml: whatever the damage, the
// outcome is a valid config or a ConfigException that names the file, never another exception type
// (an unclosed flow list once escaped YamlDotNet's scanner as an InvalidOperationException).
using MnistBn.Shared.Configuration;

namespace MnistBn.Shared.Tests.Configuration;

public sealed class ConfigFuzzTests
{
    private const string File = "fuzzed.yaml";
    private static readonly string RepositoryYaml =
        System.IO.File.ReadAllText(Path.Combine(RepositoryPaths.FindRoot(), RepositoryPaths.ConfigFileName));

    // Characters that mean something to YAML, plus ordinary ones.
    private const string Insertable = "[]{}:,-#&*!|>'\"%@`?\t \n\\x0";

    [Fact]
    public void Unclosed_flow_list_is_malformed_yaml_with_its_line()
    {
        var yaml = RepositoryYaml.Replace("  epochs: 20\n", "  epochs: [20\n", StringComparison.Ordinal);
        var line = Array.IndexOf(yaml.Split('\n'), "  epochs: [20") + 1;

        var error = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Parse(yaml, File));

        Assert.Matches($@"^{File}:\d+: malformed YAML: ", error.Message);
        Assert.InRange(int.Parse(error.Message.Split(':')[1]), line, line + 2);
    }

    [Fact]
    public void Mapping_used_as_a_key_is_an_error_naming_the_file()
    {
        var yaml = RepositoryYaml.Replace("  epochs: 20\n", "  epochs: 20\n  ? [a, b]\n  : 3\n", StringComparison.Ordinal);

        var error = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Parse(yaml, File));

        Assert.StartsWith($"{File}:", error.Message);
    }

    [Fact]
    public void Second_yaml_document_is_an_error_not_ignored()
    {
        var yaml = RepositoryYaml + "---\nfoo: 1\n";
        var error = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Parse(yaml, File));
        Assert.Matches($@"^{File}:\d+: a second YAML document", error.Message);
    }

    [Fact]
    public void Truncated_at_every_line_gives_a_config_error_naming_the_file()
    {
        var lines = RepositoryYaml.Split('\n');
        for (var count = 0; count < lines.Length; count++)
            AssertValidOrConfigError(string.Join('\n', lines.Take(count)), $"first {count} lines");
    }

    [Fact]
    public void A_character_inserted_or_deleted_anywhere_gives_a_config_or_a_config_error()
    {
        var random = new Random(20261202);
        for (var trial = 0; trial < 3000; trial++)
        {
            var position = random.Next(RepositoryYaml.Length);
            var mutated = random.Next(3) switch
            {
                0 => RepositoryYaml.Remove(position, 1),
                1 => RepositoryYaml.Insert(position, Insertable[random.Next(Insertable.Length)].ToString()),
                _ => RepositoryYaml.Remove(position, 1).Insert(position, Insertable[random.Next(Insertable.Length)].ToString()),
            };
            AssertValidOrConfigError(mutated, $"trial {trial}, position {position}");
        }
    }

    private static void AssertValidOrConfigError(string yaml, string mutation)
    {
        try
        {
            PipelineConfigLoader.Parse(yaml, File);
        }
        catch (ConfigException error)
        {
            Assert.True(error.Message.StartsWith(File + ":", StringComparison.Ordinal), $"{mutation}: '{error.Message}' does not start with the file name");
        }
        catch (Exception error)
        {
            Assert.Fail($"{mutation}: {error.GetType().Name}: {error.Message}\n--- yaml ---\n{yaml}");
        }
    }
}
