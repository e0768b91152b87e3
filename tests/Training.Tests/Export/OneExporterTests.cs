// The study's modules export through the exporter package's one call, like any user's module, and the
// result is the same model the TorchSharp-free description path writes: same operators, names,
// initializer bits and metadata. Also the refusals that protect a study export.
using MnistBn.Network.Description;
using MnistBn.Network.Onnx;
using MnistBn.Network.Weights;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Export;
using MnistBn.Training.Model;
using static TorchSharp.torch;

namespace MnistBn.Training.Tests.Export;

public sealed class OneExporterTests
{
    private static readonly BatchNormConfig Bn = new(0.1, 1e-3);

    [Theory]
    [MemberData(nameof(FixtureNetworks.All), MemberType = typeof(FixtureNetworks))]
    public void Module_path_writes_the_model_the_description_path_writes(string name)
    {
        foreach (var fold in new[] { true, false })
        {
            var weights = RandomWeights.For(FixtureNetworks.ByName(name), seed: 5);
            using var model = Loaded(weights);

            var fromModule = StudyModuleExport.Build(model, fold);
            var fromDescription = OnnxExporter.BuildModel(weights, new StudyExportSettings(FoldBatchNorm: fold),
                ExportTestConfig.Metadata(FixtureNetworks.VariantOf(weights.Description)));

            Assert.Equal(fromDescription.Graph.Node.Select(n => (n.OpType, n.Name, string.Join(",", n.Input), string.Join(",", n.Output))),
                fromModule.Graph.Node.Select(n => (n.OpType, n.Name, string.Join(",", n.Input), string.Join(",", n.Output))));
            Assert.Equal(fromDescription.Graph.Node.Select(n => n.Attribute.ToString()), fromModule.Graph.Node.Select(n => n.Attribute.ToString()));
            Assert.Equal(fromDescription.Graph.Initializer.Select(i => (i.Name, Convert.ToBase64String(i.RawData.ToByteArray()))),
                fromModule.Graph.Initializer.Select(i => (i.Name, Convert.ToBase64String(i.RawData.ToByteArray()))));
            Assert.Equal(fromDescription.MetadataProps, fromModule.MetadataProps);
            Assert.Equal(fromDescription.Graph.Input, fromModule.Graph.Input);
            Assert.Equal(fromDescription.Graph.Output, fromModule.Graph.Output);
        }
    }

    [Fact]
    public void Module_in_training_mode_is_refused()
    {
        using var model = TestNetworks.LeNet("nobn", Bn);
        model.train();

        var error = Assert.Throws<InvalidOperationException>(() => StudyModuleExport.Build(model, fold: true));

        Assert.Contains("training mode; call eval() first", error.Message);
    }

    [Fact]
    public void Bn_module_whose_statistics_were_never_tracked_is_refused()
    {
        using var model = TestNetworks.LeNet("bn", Bn);
        model.eval();

        var error = Assert.Throws<InvalidDataException>(() => TrainedModelExporter.RequireTrackedStatistics(model));

        Assert.Contains("bn1 has never tracked statistics (num_batches_tracked = 0)", error.Message);
    }

    // A NetworkModule holding exactly these weights and statistics, in eval mode.
    private static NetworkModule Loaded(NetworkWeights weights)
    {
        var model = new NetworkModule(weights.Description);
        var state = model.state_dict();
        using (no_grad())
        {
            foreach (var layer in weights.Description.Layers)
            {
                switch (layer)
                {
                    case ConvLayer or LinearLayer:
                        var values = weights.Layer(layer.Name);
                        state[$"{layer.Name}.weight"].copy_(tensor(values.Weight, state[$"{layer.Name}.weight"].shape));
                        if (values.Bias is not null)
                            state[$"{layer.Name}.bias"].copy_(tensor(values.Bias));
                        break;
                    case BatchNormLayer norm:
                        var statistics = weights.Norm(norm.Name);
                        state[$"{norm.Name}.weight"].copy_(tensor(statistics.Gamma));
                        state[$"{norm.Name}.bias"].copy_(tensor(statistics.Beta));
                        state[$"{norm.Name}.running_mean"].copy_(tensor(statistics.RunningMean));
                        state[$"{norm.Name}.running_var"].copy_(tensor(statistics.RunningVar));
                        break;
                }
            }
        }
        model.eval();
        return model;
    }
}
