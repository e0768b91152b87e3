// Pins the module built from LeNet's description: state_dict names, biases, shapes, and that
// train()/eval() reach every BatchNorm.
using MnistBn.Shared.Configuration;
using MnistBn.Training.Model;
using static TorchSharp.torch;

namespace MnistBn.Training.Tests;

public sealed class NetworkModuleTests
{
    private static readonly BatchNormConfig Bn = new(0.01, 1e-3);

    [Theory]
    [InlineData(KernelChoice.Fast, true)]
    [InlineData(KernelChoice.Reference, false)]
    public void Kernel_choice_hands_every_BatchNorm_its_training_node(KernelChoice kernels, bool fast)
    {
        using var lenet = TestNetworks.LeNet("bn", Bn, kernels);
        using var mlp = TestNetworks.Mlp("bn", Bn, kernels);

        Assert.All(lenet.BatchNorms.Concat(mlp.BatchNorms), norm => Assert.Equal(fast, norm.RunsFastKernel));
        Assert.Equal(4, lenet.BatchNorms.Count);
    }

    [Theory]
    [InlineData("bn", KernelChoice.Fast)]
    [InlineData("nobn", KernelChoice.Fast)]
    [InlineData("bn-after", KernelChoice.Fast)]
    [InlineData("bn", KernelChoice.Reference)]
    public void Forward_returns_logits_of_shape_batch_by_10(string variant, KernelChoice kernels)
    {
        using var scope = NewDisposeScope();
        using var model = TestNetworks.LeNet(variant, Bn, kernels);
        Assert.Equal(new long[] { 5, 10 }, model.call(rand(5, 1, 28, 28)).shape);
        model.eval();
        Assert.Equal(new long[] { 1, 10 }, model.call(rand(1, 1, 28, 28)).shape);
    }

    [Fact]
    public void Bn_variant_has_batchnorms_and_no_bias_on_layers_feeding_them()
    {
        using var model = TestNetworks.LeNet("bn", Bn);
        var keys = model.state_dict().Keys.ToHashSet();
        foreach (var layer in new[] { "conv1", "conv2", "fc1", "fc2" })
        {
            Assert.Contains($"{layer}.weight", keys);
            Assert.DoesNotContain($"{layer}.bias", keys);
        }
        Assert.Contains("fc3.bias", keys);
        foreach (var norm in new[] { "bn1", "bn2", "bn3", "bn4" })
            Assert.Contains($"{norm}.running_var", keys);
        Assert.Equal("lenet-bn", model.Description.Name);
        Assert.Equal(new long[] { 120, 400 }, model.state_dict()["fc1.weight"].shape);
    }

    [Fact]
    public void Nobn_variant_has_biases_and_no_batchnorm()
    {
        using var model = TestNetworks.LeNet("nobn", Bn);
        var keys = model.state_dict().Keys.ToHashSet();
        Assert.Equal(
            new[] { "conv1.bias", "conv1.weight", "conv2.bias", "conv2.weight", "fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight", "fc3.bias", "fc3.weight" },
            keys.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("lenet-nobn", model.Description.Name);
        Assert.Empty(model.BatchNorms);
    }

    [Fact]
    public void Train_and_eval_reach_every_batchnorm()
    {
        using var model = TestNetworks.LeNet("bn", Bn);
        Assert.Equal(4, model.BatchNorms.Count);
        model.eval();
        Assert.All(model.BatchNorms, norm => Assert.False(norm.training));
        Assert.Equal(4, model.modules().OfType<BatchNorm>().Count(m => !m.training));
        model.train();
        Assert.All(model.BatchNorms, norm => Assert.True(norm.training));
    }

    [Fact]
    public void Eval_output_of_a_sample_does_not_depend_on_the_rest_of_the_batch()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var model = TestNetworks.LeNet("bn", new BatchNormConfig(0.5, 1e-3));
        model.train();
        using (no_grad())
        {
            for (var i = 0; i < 3; i++)
                model.call(rand(16, 1, 28, 28)); // make the running statistics non-trivial
        }
        model.eval();
        var batch = rand(8, 1, 28, 28);
        var alone = model.call(batch[..1]);
        var together = model.call(batch)[..1];
        var otherBatch = cat([batch[..1], rand(7, 1, 28, 28) * 3], 0);
        var withOthers = model.call(otherBatch)[..1];
        Assert.True((alone - together).abs().max().item<float>() < 1e-5);
        Assert.True((alone - withOthers).abs().max().item<float>() < 1e-5);
        // In training mode the same sample's output does depend on its batch-mates.
        model.train();
        Assert.True((model.call(batch)[..1] - model.call(otherBatch)[..1]).abs().max().item<float>() > 1e-3);
    }

    [Fact]
    public void Unknown_variant_name_is_a_config_error()
    {
        var error = Assert.Throws<ConfigException>(() => StudyModel.RequireStudyVariant("bnn"));
        Assert.Contains("bnn", error.Message);
    }
}
