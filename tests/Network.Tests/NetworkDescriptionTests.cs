// Shape inference and its errors: a description that does not fit names the layer and the shapes;
// FoldTarget says which BatchNorm can disappear into the layer before it.
using MnistBn.Network.Description;

namespace MnistBn.Network.Tests;

public sealed class NetworkDescriptionTests
{
    [Fact]
    public void LeNet_shapes_follow_the_study()
    {
        var lenet = FixtureNetworks.ByName("lenet-bn");

        Assert.Equal([6, 26, 26], lenet.OutputShape(lenet.IndexOf(lenet.Layers.First(l => l.Name == "conv1"))));
        Assert.Equal([16, 5, 5], lenet.InputShapeOf(lenet.IndexOf(lenet.Layers.First(l => l.Name == "flatten"))));
        Assert.Equal(10, lenet.OutputFeatures);
        Assert.Equal(4, lenet.HiddenActivations.Count);
    }

    [Theory]
    [InlineData(BnPlacement.None, "nobn")]
    [InlineData(BnPlacement.Before, "bn")]
    [InlineData(BnPlacement.After, "bn-after")]
    public void Placement_and_variant_name_give_the_same_networks(BnPlacement placement, string variant)
    {
        var settings = new BatchNormSettings(0.1, 1e-3);

        Assert.Equal(variant, Networks.VariantName(placement));
        Assert.Equal(placement, Networks.Placement(variant));
        Assert.Equal(Networks.LeNet(variant, settings).Layers, Networks.LeNet(placement, settings).Layers);
        Assert.Equal($"lenet-{variant}", Networks.LeNet(placement, settings).Name);
        Assert.Equal(Networks.PaperMlp(variant, settings).Layers, Networks.PaperMlp(placement, settings).Layers);
        Assert.Equal($"mlp-{variant}", Networks.PaperMlp(placement, settings).Name);
    }

    [Fact]
    public void Unknown_variant_name_is_refused_with_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => Networks.LeNet("batchnorm", new BatchNormSettings(0.1, 1e-3)));

        Assert.Contains("unknown model variant 'batchnorm'", error.Message);
    }

    [Fact]
    public void Padded_strided_convolutions_get_their_output_shapes()
    {
        var net = FixtureNetworks.ThreeConvBlocks();

        Assert.Equal([8, 28, 28], net.OutputShape(0));
        Assert.Equal([32, 4, 4], net.InputShapeOf(net.IndexOf(net.Layers.First(l => l.Name == "flatten"))));
    }

    [Fact]
    public void Linear_layer_that_does_not_fit_its_input_is_named()
    {
        var error = Assert.Throws<ArgumentException>(() => new NetworkDescription("broken", [1, 28, 28],
        [
            new FlattenLayer("flatten"),
            new LinearLayer("fc1", 700, 10),
        ]));

        Assert.Contains("fc1", error.Message);
        Assert.Contains("784", error.Message);
    }

    [Fact]
    public void Conv_layer_with_the_wrong_input_channels_is_named()
    {
        var error = Assert.Throws<ArgumentException>(() => new NetworkDescription("broken", [1, 28, 28],
        [
            new ConvLayer("conv1", 3, 6, Kernel: 3),
            new FlattenLayer("flatten"),
            new LinearLayer("fc1", 6 * 26 * 26, 10),
        ]));

        Assert.Contains("conv1", error.Message);
    }

    [Fact]
    public void Repeated_layer_names_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new NetworkDescription("broken", [4],
        [
            new LinearLayer("fc", 4, 4),
            new LinearLayer("fc", 4, 2),
        ]));

        Assert.Contains("'fc' is used 2 times", error.Message);
    }

    [Fact]
    public void Network_that_does_not_end_in_a_vector_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new NetworkDescription("broken", [1, 28, 28], [new ConvLayer("conv1", 1, 2, Kernel: 3)]));

        Assert.Contains("must end in a vector of logits", error.Message);
    }

    [Theory]
    [InlineData("lenet-bn", 4)]
    [InlineData("lenet-bn-after", 0)]
    [InlineData("mlp-bn", 3)]
    [InlineData("conv3-bn", 3)]
    public void BatchNorm_folds_only_where_it_directly_follows_a_conv_or_linear_layer(string name, int foldable)
    {
        var net = FixtureNetworks.ByName(name);

        var targets = net.Layers.OfType<BatchNormLayer>().Select(net.FoldTarget).Where(t => t is not null).ToList();

        Assert.Equal(foldable, targets.Count);
        Assert.All(targets, t => Assert.True(t is ConvLayer or LinearLayer));
    }
}
