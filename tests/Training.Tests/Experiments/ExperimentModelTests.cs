// The experiment models: PlacedBnLeNet without BN or with BN before the ReLU is the study's LeNet
// (same initialisation, same outputs); BN after the activation changes the network; the paper's MLP
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
    [InlineData("nobn", BnPlacement.None)]
    [InlineData("bn", BnPlacement.Before)]
    public void Placed_lenet_matches_the_study_lenet(string variant, BnPlacement placement)
    {
        torch.manual_seed(7);
        using var study = new LeNet(variant, placement == BnPlacement.Before, Bn);
        torch.manual_seed(7);
        using var placed = new PlacedBnLeNet(variant, placement, Bn);
        Assert.Equal(study.state_dict().Keys.Order(), placed.state_dict().Keys.Order());
        torch.manual_seed(1);
        using var input = rand(8, 1, 28, 28);
        foreach (var training in new[] { true, false })
        {
            study.train(training);
            placed.train(training);
            using var expected = study.call(input);
            using var actual = placed.call(input);
            Assert.True(expected.allclose(actual, rtol: 0, atol: 1e-6), $"training={training}");
        }
    }

    [Fact]
    public void Bn_after_the_activation_keeps_biases_and_normalises_the_relu_output()
    {
        torch.manual_seed(3);
        using var model = new PlacedBnLeNet("after", BnPlacement.After, Bn);
        Assert.Contains("fc1.bias", model.state_dict().Keys);
        model.train();
        using var input = rand(32, 1, 28, 28);
        using var noGrad = no_grad();
        using var relu = model.PreActivation(input, 3);
        Assert.Equal([32L, 120L], relu.shape);
        // After-placement probes the ReLU's input, which is not normalised (unlike BN-before's).
        using var before = new PlacedBnLeNet("before", BnPlacement.Before, Bn);
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
