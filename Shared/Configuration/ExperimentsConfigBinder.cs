// Binds pipeline.yaml's `experiments` section into ExperimentsConfig, as strictly as the rest of the
// file: every key required, unknown keys, wrong types and out-of-range values are errors with the key path.
namespace MnistBn.Shared.Configuration;

internal static class ExperimentsConfigBinder
{
    /// <summary>Hidden layers (activations) each model has; <c>covariate_shift.hidden_layer</c> picks one.</summary>
    public static int HiddenLayers(string model) => model == "mlp" ? 3 : 4;

    public static ExperimentsConfig Bind(YamlSection section)
    {
        var bn = section.Section("batch_norm");
        var config = new ExperimentsConfig(
            TestSubset: section.Int("test_subset", 0, int.MaxValue),
            Seed: section.Long("seed"),
            Threads: section.Int("threads", 0, 1024),
            SgdMomentum: section.Double("sgd_momentum", 0, 0.999),
            BatchNorm: new BatchNormConfig(bn.Double("momentum", 0, 1, minExclusive: true), bn.Double("epsilon", 0, 1, minExclusive: true)),
            LrSweep: BindLrSweep(section.Section("lr_sweep")),
            StepsToTarget: BindStepsToTarget(section.Section("steps_to_target")),
            CovariateShift: BindCovariateShift(section.Section("covariate_shift")),
            BnPlacement: BindBnPlacement(section.Section("bn_placement")));
        bn.EnsureNoUnknownKeys();
        section.EnsureNoUnknownKeys();
        return config;
    }

    private static LrSweepConfig BindLrSweep(YamlSection section)
    {
        var rates = section.Section("learning_rates");
        var config = new LrSweepConfig(
            section.String("model", ExperimentsConfig.KnownModels),
            section.Int("train_subset", 0, int.MaxValue),
            section.StringList("variants", ExperimentsConfig.KnownVariants),
            section.Int("epochs", 1, 1000),
            section.Int("batch_size", 2, 60_000),
            rates.DoubleList("adam", 0, 10, minExclusive: true, allowEmpty: true),
            rates.DoubleList("sgd", 0, 1000, minExclusive: true, allowEmpty: true));
        if (config.AdamLearningRates.Count + config.SgdLearningRates.Count == 0)
            throw new ConfigException($"{section.PathDescription("learning_rates")}: give at least one learning rate (adam or sgd)");
        rates.EnsureNoUnknownKeys();
        section.EnsureNoUnknownKeys();
        return config;
    }

    private static StepsToTargetConfig BindStepsToTarget(YamlSection section)
    {
        var config = new StepsToTargetConfig(
            section.String("model", ExperimentsConfig.KnownModels),
            section.Int("train_subset", 0, int.MaxValue),
            section.StringList("variants", ExperimentsConfig.KnownVariants),
            section.String("optimizer", ExperimentsConfig.KnownOptimizers),
            section.DoubleList("learning_rates", 0, 1000, minExclusive: true),
            section.Int("batch_size", 2, 60_000),
            section.Int("steps", 1, 10_000_000),
            section.Int("eval_every_steps", 1, 10_000_000),
            section.DoubleList("targets", 0, 1, minExclusive: true));
        if (config.EvalEverySteps > config.Steps)
            throw new ConfigException($"{section.PathDescription("eval_every_steps")}: {config.EvalEverySteps} is more than steps ({config.Steps})");
        section.EnsureNoUnknownKeys();
        return config;
    }

    private static CovariateShiftConfig BindCovariateShift(YamlSection section)
    {
        var model = section.String("model", ExperimentsConfig.KnownModels);
        var config = new CovariateShiftConfig(
            model,
            section.Int("train_subset", 0, int.MaxValue),
            section.StringList("variants", ExperimentsConfig.KnownVariants),
            section.String("optimizer", ExperimentsConfig.KnownOptimizers),
            section.Double("learning_rate", 0, 1000, minExclusive: true),
            section.Int("batch_size", 2, 60_000),
            section.Int("steps", 1, 10_000_000),
            section.Int("record_every_steps", 1, 10_000_000),
            section.DoubleList("percentiles", 0, 1, minExclusive: true),
            section.Int("hidden_layer", 1, HiddenLayers(model)),
            section.Int("unit", 0, 10_000),
            section.Int("probe_images", 1, 10_000));
        if (config.Percentiles.Any(p => p >= 1))
            throw new ConfigException($"{section.PathDescription("percentiles")}: percentiles are fractions in (0, 1), e.g. 0.15");
        if (!config.Percentiles.Zip(config.Percentiles.Skip(1)).All(pair => pair.First < pair.Second))
            throw new ConfigException($"{section.PathDescription("percentiles")}: list the percentiles in ascending order");
        if (config.RecordEverySteps > config.Steps)
            throw new ConfigException($"{section.PathDescription("record_every_steps")}: {config.RecordEverySteps} is more than steps ({config.Steps})");
        section.EnsureNoUnknownKeys();
        return config;
    }

    private static BnPlacementConfig BindBnPlacement(YamlSection section)
    {
        var config = new BnPlacementConfig(
            section.String("model", ExperimentsConfig.KnownModels),
            section.Int("train_subset", 0, int.MaxValue),
            section.String("optimizer", ExperimentsConfig.KnownOptimizers),
            section.Double("learning_rate", 0, 1000, minExclusive: true),
            section.Int("epochs", 1, 1000),
            section.Int("batch_size", 2, 60_000),
            section.StringList("placements", ExperimentsConfig.KnownPlacements),
            section.DoubleList("momentums", 0, 1, minExclusive: true),
            section.Bool("baseline"));
        section.EnsureNoUnknownKeys();
        return config;
    }
}
