// LeNetWeights validation: each misfit is its own case and the message names the layer and the problem.
using MnistBn.Training.Export;

namespace MnistBn.Training.Tests.Export;

public sealed class LeNetWeightsTests
{
    [Fact]
    public void Random_weights_are_deterministic_per_seed()
    {
        var a = LeNetWeights.Random(7, batchNorm: true);
        var b = LeNetWeights.Random(7, batchNorm: true);
        var c = LeNetWeights.Random(8, batchNorm: true);

        Assert.Equal(a.Conv1.Weight, b.Conv1.Weight);
        Assert.Equal(a.Fc2.BatchNorm!.RunningVar, b.Fc2.BatchNorm!.RunningVar);
        Assert.NotEqual(a.Conv1.Weight, c.Conv1.Weight);
    }

    [Fact]
    public void Random_bn_weights_have_positive_variance_and_no_hidden_bias()
    {
        var weights = LeNetWeights.Random(1, batchNorm: true);

        Assert.Equal("bn", weights.Variant);
        foreach (var layer in weights.Layers.Take(4))
        {
            Assert.Null(layer.Bias);
            Assert.All(layer.BatchNorm!.RunningVar, v => Assert.True(v > 0));
        }
        Assert.NotNull(weights.Fc3.Bias);
    }

    [Fact]
    public void Random_nobn_weights_have_biases_and_no_statistics()
    {
        var weights = LeNetWeights.Random(1, batchNorm: false);

        Assert.Equal("nobn", weights.Variant);
        Assert.All(weights.Layers, layer => Assert.NotNull(layer.Bias));
        Assert.All(weights.Layers, layer => Assert.Null(layer.BatchNorm));
    }

    [Fact]
    public void Wrong_conv1_shape_is_rejected_naming_layer_and_shapes()
    {
        var w = LeNetWeights.Random(1, batchNorm: false);
        var wrong = new LayerWeights([6, 1, 5, 5], new float[150], w.Conv1.Bias);

        var error = Assert.Throws<InvalidDataException>(() => new LeNetWeights(wrong, w.Conv2, w.Fc1, w.Fc2, w.Fc3));

        Assert.Contains("conv1.weight has shape [6, 1, 5, 5], expected [6, 1, 3, 3]", error.Message);
    }

    [Fact]
    public void Weight_length_not_matching_its_shape_is_rejected()
    {
        var w = LeNetWeights.Random(1, batchNorm: false);
        var wrong = w.Fc1 with { Weight = new float[399] };

        var error = Assert.Throws<InvalidDataException>(() => new LeNetWeights(w.Conv1, w.Conv2, wrong, w.Fc2, w.Fc3));

        Assert.Contains("fc1.weight has 399 values", error.Message);
    }

    [Fact]
    public void Bias_of_the_wrong_length_is_rejected()
    {
        var w = LeNetWeights.Random(1, batchNorm: false);
        var wrong = w.Fc3 with { Bias = new float[9] };

        var error = Assert.Throws<InvalidDataException>(() => new LeNetWeights(w.Conv1, w.Conv2, w.Fc1, w.Fc2, wrong));

        Assert.Contains("fc3.bias has 9 values, expected 10", error.Message);
    }

    [Fact]
    public void Non_finite_weight_is_rejected()
    {
        var w = LeNetWeights.Random(1, batchNorm: false);
        var values = (float[])w.Conv2.Weight.Clone();
        values[5] = float.NaN;

        var error = Assert.Throws<InvalidDataException>(() => new LeNetWeights(w.Conv1, w.Conv2 with { Weight = values }, w.Fc1, w.Fc2, w.Fc3));

        Assert.Contains("conv2.weight[5] is NaN", error.Message);
    }

    [Fact]
    public void BatchNorm_on_only_some_hidden_layers_is_rejected()
    {
        var w = LeNetWeights.Random(1, batchNorm: true);

        var error = Assert.Throws<InvalidDataException>(() => new LeNetWeights(w.Conv1, w.Conv2, w.Fc1, w.Fc2 with { BatchNorm = null }, w.Fc3));

        Assert.Contains("3 of the 4 hidden layers", error.Message);
    }

    [Fact]
    public void BatchNorm_statistics_of_the_wrong_length_are_rejected()
    {
        var w = LeNetWeights.Random(1, batchNorm: true);
        var norm = w.Conv2.BatchNorm! with { RunningMean = new float[6] };

        var error = Assert.Throws<InvalidDataException>(() => new LeNetWeights(w.Conv1, w.Conv2 with { BatchNorm = norm }, w.Fc1, w.Fc2, w.Fc3));

        Assert.Contains("bn2.running_mean has 6 values, expected 16", error.Message);
    }

    [Fact]
    public void Negative_running_variance_is_rejected()
    {
        var w = LeNetWeights.Random(1, batchNorm: true);
        var variance = (float[])w.Fc1.BatchNorm!.RunningVar.Clone();
        variance[3] = -0.5f;
        var norm = w.Fc1.BatchNorm with { RunningVar = variance };

        var error = Assert.Throws<InvalidDataException>(() => new LeNetWeights(w.Conv1, w.Conv2, w.Fc1 with { BatchNorm = norm }, w.Fc2, w.Fc3));

        Assert.Contains("bn3.running_var[3] is negative", error.Message);
    }

    [Fact]
    public void BatchNorm_after_the_output_layer_is_rejected()
    {
        var w = LeNetWeights.Random(1, batchNorm: false);
        var norm = new BatchNormStatistics(new float[10], new float[10], new float[10], new float[10], 1e-3f);

        var error = Assert.Throws<InvalidDataException>(() => new LeNetWeights(w.Conv1, w.Conv2, w.Fc1, w.Fc2, w.Fc3 with { BatchNorm = norm }));

        Assert.Contains("fc3 has BatchNorm statistics", error.Message);
    }
}
