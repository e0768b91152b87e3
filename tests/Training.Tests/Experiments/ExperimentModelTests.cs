// The experiment models: LeNet without BN or with BN before the ReLU is the study's LeNet
// (same description, same initialisation); BN after the activation changes the network; the paper's MLP
// has the paper's shape; pre-activations are the activation's input.
using MnistBn.Shared.Configuration;
using MnistBn.Training.Experiments;
using MnistBn.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistBn.Training.Tests.Experiments;

public sealed class ExperimentModelTests
{
    private static readonly BatchNormConfig Bn = new(0.1, 1e-3);

    [Theory]
    [InlineData("nobn")]
    [InlineData("bn")]
    public void Experiment_lenet_is_the_study_lenet(string variant)
    {
        var study = StudyModel.Describe(variant, Bn);
        var experiment = ExperimentModels.Describe("lenet", variant, Bn);
        Assert.Equal(study.Layers, experiment.Layers);
        torch.manual_seed(7);
        using var a = StudyModel.Create(variant, MnistBn.TestSupport.MnistTestData.Config with { Model = MnistBn.TestSupport.MnistTestData.Config.Model with { BatchNorm = Bn } });
        torch.manual_seed(7);
        using var b = ExperimentModels.Create("lenet", variant, Bn);
        Assert.Equal(a.state_dict().Keys, b.Module.state_dict().Keys);
        foreach (var (name, tensor) in a.state_dict())
            Assert.True(tensor.equal(b.Module.state_dict()[name]).all().item<bool>(), name);
    }

    [Fact]
    public void Bn_after_the_activation_keeps_biases_and_normalises_the_relu_output()
    {
        torch.manual_seed(3);
        using var probed = ExperimentModels.Create("lenet", "bn-after", Bn);
        var model = probed.Module;
        Assert.Contains("fc1.bias", model.state_dict().Keys);
        model.train();
        using var input = rand(32, 1, 28, 28);
        using var noGrad = no_grad();
        using var relu = model.PreActivation(input, 3);
        Assert.Equal([32L, 120L], relu.shape);
        // After-placement probes the ReLU's input, which is not normalised (unlike BN-before's).
        using var probedBefore = ExperimentModels.Create("lenet", "bn", Bn);
        var before = probedBefore.Module;
        before.train();
        using var normalised = before.PreActivation(input, 3);
        Assert.True(normalised.mean([0]).abs().max().item<float>() < 1e-4);
        Assert.True(relu.mean([0]).abs().max().item<float>() > 1e-3);
    }

    [Fact]
    public void Paper_mlp_has_three_hidden_layers_of_100_and_ten_logits()
    {
        torch.manual_seed(5);
        using var model = ExperimentModels.Create("mlp", "bn", Bn);
        Assert.Equal(3, model.Probe.HiddenLayerCount);
        var parameters = model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal([100L, 784L], parameters["fc1.weight"]);
        Assert.Equal([100L, 100L], parameters["fc3.weight"]);
        Assert.Equal([10L, 100L], parameters["fc4.weight"]);
        Assert.False(parameters.ContainsKey("fc1.bias")); // BN's shift replaces the bias before a BN
        using var input = rand(60, 1, 28, 28);
        using var logits = model.Module.call(input);
        Assert.Equal([60L, 10L], logits.shape);
        using var noGrad = no_grad();
        using var pre = model.Probe.PreActivation(input, 3);
        Assert.Equal([60L, 100L], pre.shape);
    }

    [Fact]
    public void Unknown_experiment_variant_is_a_config_error() =>
        Assert.Throws<ConfigException>(() => ExperimentModels.Create("lenet", "bn-sideways", Bn));
}
