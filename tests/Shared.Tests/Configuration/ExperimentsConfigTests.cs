// pipeline.yaml's `experiments` section loads as strictly as the rest: the repository's values bind,
// and unknown keys, wrong types, out-of-range and inconsistent values are errors naming the key path.
using MnistBn.Shared.Configuration;

namespace MnistBn.Shared.Tests.Configuration;

public sealed class ExperimentsConfigTests
{
    private const string File = "pipeline.yaml";
    private static readonly string RepositoryYaml =
        System.IO.File.ReadAllText(Path.Combine(RepositoryPaths.FindRoot(), RepositoryPaths.ConfigFileName));

    private static string Replace(string oldText, string newText)
    {
        Assert.Contains(oldText, RepositoryYaml);
        return RepositoryYaml.Replace(oldText, newText, StringComparison.Ordinal);
    }

    private static ConfigException Fails(string yaml, params string[] overrides) =>
        Assert.Throws<ConfigException>(() => PipelineConfigLoader.Parse(yaml, File, overrides));

    private static ExperimentsConfig Load(params string[] overrides) =>
        PipelineConfigLoader.Parse(RepositoryYaml, File, overrides).Experiments!;

    [Fact]
    public void Repository_experiments_section_loads()
    {
        var experiments = Load();
        Assert.Equal(["nobn", "bn"], experiments.LrSweep.Variants);
        Assert.NotEmpty(experiments.LrSweep.AdamLearningRates);
        Assert.NotEmpty(experiments.LrSweep.SgdLearningRates);
        Assert.Equal([0.97, 0.98, 0.99], experiments.StepsToTarget.Targets);
        Assert.Equal("mlp", experiments.CovariateShift.Model);
        Assert.Equal(60, experiments.CovariateShift.BatchSize);
        Assert.Equal([0.15, 0.5, 0.85], experiments.CovariateShift.Percentiles);
        Assert.Equal(["before", "after"], experiments.BnPlacement.Placements);
    }

    [Fact]
    public void Missing_section_is_allowed_and_leaves_experiments_null()
    {
        var start = RepositoryYaml.IndexOf("\nexperiments:", StringComparison.Ordinal);
        Assert.True(start > 0);
        var config = PipelineConfigLoader.Parse(RepositoryYaml[..(start + 1)], File);
        Assert.Null(config.Experiments);
    }

    [Fact]
    public void Experiments_do_not_change_the_config_hash_that_checkpoints_carry()
    {
        var start = RepositoryYaml.IndexOf("\nexperiments:", StringComparison.Ordinal);
        var without = PipelineConfigLoader.Parse(RepositoryYaml[..(start + 1)], File);
        var with = PipelineConfigLoader.Parse(RepositoryYaml, File, ["experiments.lr_sweep.epochs=7"]);
        Assert.Equal(PipelineConfigJson.Hash(without), PipelineConfigJson.Hash(with));
    }

    [Fact]
    public void Set_override_reaches_nested_experiment_values()
    {
        var experiments = Load("experiments.lr_sweep.epochs=5", "experiments.lr_sweep.learning_rates.sgd=[0.1, 1, 10]");
        Assert.Equal(5, experiments.LrSweep.Epochs);
        Assert.Equal([0.1, 1, 10], experiments.LrSweep.SgdLearningRates);
    }

    [Fact]
    public void Unknown_key_names_its_experiment_path()
    {
        var error = Fails(Replace("    eval_every_steps:", "    eval_every: 3\n    eval_every_steps:"));
        Assert.Contains("'experiments.steps_to_target.eval_every': unknown key", error.Message);
    }

    [Fact]
    public void Non_number_in_a_learning_rate_list_names_the_list()
    {
        var error = Fails(RepositoryYaml, "experiments.lr_sweep.learning_rates.adam=[0.001, fast]");
        Assert.Contains("'experiments.lr_sweep.learning_rates.adam': expected a number, got 'fast'", error.Message);
    }

    [Fact]
    public void Negative_learning_rate_is_out_of_range()
    {
        var error = Fails(RepositoryYaml, "experiments.lr_sweep.learning_rates.sgd=[0.1, -1]");
        Assert.Contains("'experiments.lr_sweep.learning_rates.sgd': -1 is out of range (0, 1000]", error.Message);
    }

    [Fact]
    public void Both_learning_rate_lists_empty_is_rejected()
    {
        var error = Fails(RepositoryYaml, "experiments.lr_sweep.learning_rates.sgd=[]", "experiments.lr_sweep.learning_rates.adam=[]");
        Assert.Contains("'experiments.lr_sweep.learning_rates': give at least one learning rate", error.Message);
    }

    [Fact]
    public void Percentile_outside_zero_to_one_is_rejected()
    {
        var error = Fails(RepositoryYaml, "experiments.covariate_shift.percentiles=[15, 50, 85]");
        Assert.Contains("'experiments.covariate_shift.percentiles': 15 is out of range (0, 1]", error.Message);
    }

    [Fact]
    public void Percentiles_out_of_order_are_rejected()
    {
        var error = Fails(RepositoryYaml, "experiments.covariate_shift.percentiles=[0.85, 0.5, 0.15]");
        Assert.Contains("'experiments.covariate_shift.percentiles': list the percentiles in ascending order", error.Message);
    }

    [Fact]
    public void Hidden_layer_beyond_the_mlp_is_rejected()
    {
        var error = Fails(RepositoryYaml, "experiments.covariate_shift.hidden_layer=4");
        Assert.Contains("'experiments.covariate_shift.hidden_layer': 4 is out of range [1, 3]", error.Message);
    }

    [Fact]
    public void Lenet_allows_its_fourth_hidden_layer()
    {
        var experiments = Load("experiments.covariate_shift.model=lenet", "experiments.covariate_shift.hidden_layer=4");
        Assert.Equal(4, experiments.CovariateShift.HiddenLayer);
    }

    [Fact]
    public void Evaluating_less_often_than_the_run_is_long_is_rejected()
    {
        var error = Fails(RepositoryYaml, "experiments.steps_to_target.steps=50", "experiments.steps_to_target.eval_every_steps=100");
        Assert.Contains("'experiments.steps_to_target.eval_every_steps': 100 is more than steps (50)", error.Message);
    }

    [Fact]
    public void Target_above_one_is_rejected()
    {
        var error = Fails(RepositoryYaml, "experiments.steps_to_target.targets=[0.98, 99]");
        Assert.Contains("'experiments.steps_to_target.targets': 99 is out of range (0, 1]", error.Message);
    }

    [Fact]
    public void Unknown_experiment_variant_is_rejected()
    {
        var error = Fails(RepositoryYaml, "experiments.lr_sweep.variants=[nobn, layernorm]");
        Assert.Contains("'experiments.lr_sweep.variants': expected one of nobn, bn, bn-after, got 'layernorm'", error.Message);
    }

    [Fact]
    public void Unknown_placement_is_rejected()
    {
        var error = Fails(RepositoryYaml, "experiments.bn_placement.placements=[before, inside]");
        Assert.Contains("'experiments.bn_placement.placements': expected one of before, after, got 'inside'", error.Message);
    }

    [Fact]
    public void Momentum_of_zero_is_out_of_range()
    {
        var error = Fails(RepositoryYaml, "experiments.bn_placement.momentums=[0, 0.1]");
        Assert.Contains("'experiments.bn_placement.momentums': 0 is out of range (0, 1]", error.Message);
    }

    [Fact]
    public void Unknown_model_is_rejected()
    {
        var error = Fails(RepositoryYaml, "experiments.steps_to_target.model=resnet");
        Assert.Contains("'experiments.steps_to_target.model': expected one of lenet, mlp, got 'resnet'", error.Message);
    }

    [Fact]
    public void Missing_experiment_key_names_its_path()
    {
        var error = Fails(Replace("    probe_images: 1000\n", ""));
        Assert.Contains("missing key 'experiments.covariate_shift.probe_images'", error.Message);
    }

    [Fact]
    public void Wrong_type_names_the_experiment_path()
    {
        var error = Fails(RepositoryYaml, "experiments.bn_placement.baseline=maybe");
        Assert.Contains("'experiments.bn_placement.baseline': expected true or false, got 'maybe'", error.Message);
    }
}
