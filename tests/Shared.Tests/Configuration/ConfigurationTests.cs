// pipeline.yaml is loaded strictly: the repository's file loads; unknown keys, wrong types, values
// out of range and malformed YAML are errors naming the key path and line; --set overrides are
// checked like the file itself.
using MnistBn.Shared.Configuration;

namespace MnistBn.Shared.Tests.Configuration;

public sealed class ConfigurationTests
{
    private const string File = "pipeline.yaml";
    private static readonly string RepositoryYaml =
        System.IO.File.ReadAllText(Path.Combine(RepositoryPaths.FindRoot(), RepositoryPaths.ConfigFileName));

    // The 1-based line of the first line of `yaml` that starts with `prefix`.
    private static int LineOf(string yaml, string prefix) =>
        Array.FindIndex(yaml.Split('\n'), line => line.StartsWith(prefix, StringComparison.Ordinal)) + 1;

    private static string Replace(string oldText, string newText)
    {
        Assert.Contains(oldText, RepositoryYaml);
        return RepositoryYaml.Replace(oldText, newText, StringComparison.Ordinal);
    }

    private static ConfigException Fails(string yaml, params string[] overrides) =>
        Assert.Throws<ConfigException>(() => PipelineConfigLoader.Parse(yaml, File, overrides));

    [Fact]
    public void Repository_pipeline_yaml_loads()
    {
        var config = PipelineConfigLoader.Load(Path.Combine(RepositoryPaths.FindRoot(), RepositoryPaths.ConfigFileName));
        Assert.Equal("data/mnist", config.Data.Directory);
        Assert.Equal("t10k-images-idx3-ubyte", config.Data.Files.TestImages.Name);
        Assert.Contains(config.Data.Sources, source => source.Kind == "npm" && source.PathInPackage == "package/data/");
        Assert.Equal(["nobn", "bn"], config.Model.Variants);
        Assert.Equal(128, config.Training.BatchSize);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1.5")]
    public void Learning_rate_decay_outside_zero_to_one_is_out_of_range(string value)
    {
        var error = Fails(RepositoryYaml, $"training.learning_rate_decay={value}");
        Assert.Contains("'training.learning_rate_decay'", error.Message);
        Assert.Contains("out of range (0, 1]", error.Message);
    }

    [Fact]
    public void Unknown_top_level_key_names_key_and_line()
    {
        var yaml = RepositoryYaml + "extra_section: 1\n";
        var error = Fails(yaml);
        Assert.Equal($"{File}:{LineOf(yaml, "extra_section")}: 'extra_section': unknown key", error.Message);
    }

    [Fact]
    public void Unknown_nested_key_names_path_and_line()
    {
        var yaml = Replace("  epochs: 20\n", "  epochs: 20\n  epochz: 3\n");
        var error = Fails(yaml);
        Assert.Equal($"{File}:{LineOf(yaml, "  epochz")}: 'training.epochz': unknown key", error.Message);
    }

    [Fact]
    public void Unknown_key_in_a_data_source_names_its_index()
    {
        var error = Fails(Replace("      gzip: true\n", "      gzip: true\n      mirror: yes\n"));
        Assert.Contains("'data.sources[0].mirror': unknown key", error.Message);
    }

    [Fact]
    public void Wrong_type_names_path_and_line()
    {
        var yaml = Replace("  batch_size: 128", "  batch_size: many");
        var error = Fails(yaml);
        Assert.Equal($"{File}:{LineOf(yaml, "  batch_size: many")}: 'training.batch_size': expected an integer, got 'many'", error.Message);
    }

    [Fact]
    public void Mapping_where_a_value_belongs_is_rejected()
    {
        var error = Fails(Replace("  opset: 13", "  opset: { value: 13 }"));
        Assert.Contains("'export.opset': expected a single value", error.Message);
    }

    [Fact]
    public void Out_of_range_value_names_path()
    {
        var error = Fails(Replace("    momentum: 0.01", "    momentum: 1.5"));
        Assert.Contains("'model.batch_norm.momentum': 1.5 is out of range (0, 1]", error.Message);
    }

    [Fact]
    public void Malformed_yaml_names_line()
    {
        var yaml = Replace("  epochs: 20\n", "  epochs: 20\n   broken: [1, 2\n");
        var error = Fails(yaml);
        Assert.StartsWith($"{File}:", error.Message);
        Assert.Contains("malformed YAML", error.Message);
        var line = int.Parse(error.Message.Split(':')[1]);
        Assert.InRange(line, LineOf(yaml, "   broken"), LineOf(yaml, "   broken") + 2);
    }

    [Fact]
    public void Missing_key_names_its_path()
    {
        var error = Fails(Replace("  seed: 42\n", ""));
        Assert.Contains("missing key 'training.seed'", error.Message);
    }

    [Fact]
    public void Bad_sha256_is_rejected()
    {
        var error = Fails(Replace("ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", "ff7b"));
        Assert.Contains("'data.files.test_labels.sha256': expected 64 hexadecimal digits", error.Message);
    }

    [Fact]
    public void Set_override_applies()
    {
        var config = PipelineConfigLoader.Parse(RepositoryYaml, File, ["training.epochs=1", "model.variants=[bn]"]);
        Assert.Equal(1, config.Training.Epochs);
        Assert.Equal(["bn"], config.Model.Variants);
    }

    [Fact]
    public void Set_override_of_unknown_key_errors()
    {
        var error = Fails(RepositoryYaml, "training.epoch=1");
        Assert.Equal($"--set training.epoch=1: unknown key 'training.epoch' in {File}", error.Message);
    }

    [Fact]
    public void Set_override_with_out_of_range_value_names_the_override()
    {
        var error = Fails(RepositoryYaml, "training.epochs=0");
        Assert.Equal("--set training.epochs=0: 'training.epochs': 0 is out of range [1, 10000]", error.Message);
    }

    [Fact]
    public void Set_override_with_a_bad_list_item_names_the_override_not_a_file_line()
    {
        var error = Fails(RepositoryYaml, "model.variants=[bn, resnet]");
        Assert.Equal("--set model.variants=[bn, resnet]: 'model.variants': expected one of nobn, bn, got 'resnet'", error.Message);
    }

    [Fact]
    public void Training_kernels_default_to_fast_and_accept_reference()
    {
        Assert.Equal(TrainingConfig.FastKernels, PipelineConfigLoader.Parse(RepositoryYaml, File).Training.Kernels);
        Assert.Equal(TrainingConfig.ReferenceKernels, PipelineConfigLoader.Parse(RepositoryYaml, File, ["training.kernels=reference"]).Training.Kernels);
        var withoutKey = string.Join('\n', RepositoryYaml.Split('\n').Where(line => !line.StartsWith("  kernels:", StringComparison.Ordinal)));
        Assert.Equal(TrainingConfig.FastKernels, PipelineConfigLoader.Parse(withoutKey, File).Training.Kernels);
    }

    [Fact]
    public void Unknown_training_kernels_are_refused_naming_the_choices()
    {
        var error = Fails(RepositoryYaml, "training.kernels=slow");
        Assert.Equal("--set training.kernels=slow: 'training.kernels': expected one of fast, reference, got 'slow'", error.Message);
    }

    [Fact]
    public void Set_override_with_malformed_yaml_names_the_override()
    {
        var error = Fails(RepositoryYaml, "model.variants=[bn");
        Assert.StartsWith("--set model.variants=[bn: malformed YAML", error.Message);
    }

    [Fact]
    public void Set_override_replacing_a_section_reports_its_missing_keys_at_the_override()
    {
        var error = Fails(RepositoryYaml, "training.augmentation={enabled: true}");
        Assert.StartsWith("--set training.augmentation={enabled: true}: missing key 'training.augmentation.rotation_degrees'", error.Message);
    }

    [Fact]
    public void Unknown_variant_is_rejected()
    {
        var error = Fails(Replace("variants: [nobn, bn]", "variants: [nobn, resnet]"));
        Assert.Contains("'model.variants': expected one of nobn, bn, got 'resnet'", error.Message);
    }

    [Fact]
    public void Duplicate_variant_is_rejected()
    {
        var error = Fails(Replace("variants: [nobn, bn]", "variants: [bn, bn]"));
        Assert.Contains("'model.variants': 'bn' is listed twice", error.Message);
    }

    [Fact]
    public void Empty_variant_list_is_rejected()
    {
        var error = Fails(Replace("variants: [nobn, bn]", "variants: []"));
        Assert.Contains("'model.variants': the list must not be empty", error.Message);
    }

    [Fact]
    public void Directory_source_binds_its_path()
    {
        var config = PipelineConfigLoader.Parse(
            Replace("  sources:\n", "  sources:\n    - kind: directory\n      path: /mnt/mnist\n"), File);
        Assert.Equal(new DataSource("directory", "/mnt/mnist", false, ""), config.Data.Sources[0]);
    }

    [Fact]
    public void Unknown_source_kind_is_rejected()
    {
        var error = Fails(Replace("    - kind: npm", "    - kind: ftp"));
        Assert.Contains("'data.sources[2].kind': expected one of url, npm, directory, got 'ftp'", error.Message);
    }

    [Fact]
    public void Missing_file_is_a_config_error_naming_it()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-dir", "pipeline.yaml");
        var error = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Load(path));
        Assert.Equal($"{path}: configuration file not found", error.Message);
    }
}
