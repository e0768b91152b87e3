// NetworkWeights validation and RandomWeights: each misfit is its own case, and the message names
// the network, the layer and the problem.
using MnistBn.OnnxExport.Weights;
using MnistBn.Network.Description;
using MnistBn.Network.Weights;

namespace MnistBn.Network.Tests;

public sealed class NetworkWeightsTests
{
    private static readonly NetworkDescription Plain = FixtureNetworks.ByName("lenet-nobn");
    private static readonly NetworkDescription Normalised = FixtureNetworks.ByName("lenet-bn");

    [Fact]
    public void Random_weights_are_deterministic_per_seed()
    {
        var a = RandomWeights.For(Normalised, 7);
        var b = RandomWeights.For(Normalised, 7);
        var c = RandomWeights.For(Normalised, 8);

        Assert.Equal(a.Layer("conv1").Weight, b.Layer("conv1").Weight);
        Assert.Equal(a.Norm("bn4").RunningVar, b.Norm("bn4").RunningVar);
        Assert.NotEqual(a.Layer("conv1").Weight, c.Layer("conv1").Weight);
    }

    [Fact]
    public void Random_weights_follow_the_description_biases_and_statistics()
    {
        var weights = RandomWeights.For(Normalised, 1);

        Assert.All(["conv1", "conv2", "fc1", "fc2"], name => Assert.Null(weights.Layer(name).Bias));
        Assert.NotNull(weights.Layer("fc3").Bias);
        Assert.All(["bn1", "bn2", "bn3", "bn4"], name => Assert.All(weights.Norm(name).RunningVar, v => Assert.True(v > 0)));
        Assert.Equal(1e-3f, weights.Norm("bn1").Epsilon);
    }

    [Fact]
    public void Missing_layer_weights_are_named()
    {
        var error = Assert.Throws<InvalidDataException>(() => Rebuild(Plain, layers => layers.Remove("fc2")));

        Assert.Contains("lenet-nobn weights: no weights for layer 'fc2'", error.Message);
    }

    [Fact]
    public void Wrong_weight_shape_is_named_with_both_shapes()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            Rebuild(Plain, layers => layers["conv1"] = new LayerWeights([6, 1, 5, 5], new float[150], layers["conv1"].Bias)));

        Assert.Contains("conv1.weight has shape [6, 1, 5, 5], expected [6, 1, 3, 3]", error.Message);
    }

    [Fact]
    public void Weight_length_not_matching_its_shape_is_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => Rebuild(Plain, layers => layers["fc1"] = layers["fc1"] with { Weight = new float[399] }));

        Assert.Contains("fc1.weight has 399 values", error.Message);
    }

    [Fact]
    public void Bias_of_the_wrong_length_is_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => Rebuild(Plain, layers => layers["fc3"] = layers["fc3"] with { Bias = new float[9] }));

        Assert.Contains("fc3.bias has 9 values, expected 10", error.Message);
    }

    [Fact]
    public void Bias_on_a_layer_declared_without_one_is_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => Rebuild(Normalised, layers => layers["conv2"] = layers["conv2"] with { Bias = new float[16] }));

        Assert.Contains("conv2 has no bias in the network, but a bias was given", error.Message);
    }

    [Fact]
    public void Missing_bias_on_a_layer_declared_with_one_is_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => Rebuild(Plain, layers => layers["fc3"] = layers["fc3"] with { Bias = null }));

        Assert.Contains("fc3 declares a bias, but no bias was given", error.Message);
    }

    [Fact]
    public void Non_finite_weight_is_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => Rebuild(Plain, layers =>
        {
            var values = (float[])layers["conv2"].Weight.Clone();
            values[5] = float.NaN;
            layers["conv2"] = layers["conv2"] with { Weight = values };
        }));

        Assert.Contains("conv2.weight[5] is NaN", error.Message);
    }

    [Fact]
    public void Missing_BatchNorm_statistics_are_named()
    {
        var error = Assert.Throws<InvalidDataException>(() => Rebuild(Normalised, norms: norms => norms.Remove("bn3")));

        Assert.Contains("no statistics for BatchNorm layer 'bn3'", error.Message);
    }

    [Fact]
    public void BatchNorm_statistics_of_the_wrong_length_are_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => Rebuild(Normalised, norms: norms => norms["bn2"] = norms["bn2"] with { RunningMean = new float[6] }));

        Assert.Contains("bn2.running_mean has 6 values, expected 16", error.Message);
    }

    [Fact]
    public void Negative_running_variance_is_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => Rebuild(Normalised, norms: norms =>
        {
            var variance = (float[])norms["bn3"].RunningVar.Clone();
            variance[3] = -0.5f;
            norms["bn3"] = norms["bn3"] with { RunningVar = variance };
        }));

        Assert.Contains("bn3.running_var[3] is negative", error.Message);
    }

    [Fact]
    public void Non_positive_epsilon_is_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => Rebuild(Normalised, norms: norms => norms["bn1"] = norms["bn1"] with { Epsilon = 0 }));

        Assert.Contains("bn1 epsilon must be a positive number", error.Message);
    }

    [Fact]
    public void Weights_for_a_layer_the_network_does_not_have_are_refused()
    {
        // BatchNorm statistics given to the bn-less LeNet: the mix-up of two variants' files.
        var error = Assert.Throws<InvalidDataException>(() => Rebuild(Plain, norms: norms => norms["bn1"] = RandomWeights.For(Normalised, 1).Norm("bn1")));

        Assert.Contains("weights for 'bn1', which is not a layer of the network", error.Message);
    }

    /// <summary>Random weights of <paramref name="description"/>, changed by <paramref name="layers"/>/<paramref name="norms"/>, validated again.</summary>
    private static NetworkWeights Rebuild(
        NetworkDescription description,
        Action<Dictionary<string, LayerWeights>>? layers = null,
        Action<Dictionary<string, BatchNormStatistics>>? norms = null)
    {
        var weights = RandomWeights.For(description, 1);
        var layerMap = description.Layers.Where(l => l is ConvLayer or LinearLayer).ToDictionary(l => l.Name, l => weights.Layer(l.Name));
        var normMap = description.Layers.OfType<BatchNormLayer>().ToDictionary(l => l.Name, l => weights.Norm(l.Name));
        layers?.Invoke(layerMap);
        norms?.Invoke(normMap);
        return new NetworkWeights(description, layerMap, normMap);
    }
}
