// The exported graph's shape for each kind of network: which operators in which order, which names,
// which attributes, a symbolic batch, BatchNormalization kept exactly where it cannot be folded, and a
// clean structure check.
using MnistBn.OnnxExport.Onnx;
using MnistBn.Network.Onnx;
using MnistBn.Network.Weights;
using MnistBn.Shared;
using Onnx;

namespace MnistBn.Network.Tests;

public sealed class OnnxGraphTests
{
    [Theory]
    [MemberData(nameof(FixtureNetworks.All), MemberType = typeof(FixtureNetworks))]
    public void Folded_and_unfolded_graphs_of_every_network_pass_the_structure_check(string name)
    {
        foreach (var fold in new[] { true, false })
            Assert.Empty(OnnxStructureCheck.Problems(Build(name, fold)));
    }

    [Theory]
    [InlineData("lenet-bn", true, 0)]
    [InlineData("lenet-bn", false, 4)]
    [InlineData("lenet-bn-after", true, 4)]
    [InlineData("lenet-bn-after", false, 4)]
    [InlineData("mlp-bn", true, 0)]
    [InlineData("mlp-bn", false, 3)]
    [InlineData("conv3-bn", true, 0)]
    [InlineData("lenet-nobn", false, 0)]
    public void BatchNormalization_nodes_remain_exactly_where_BatchNorm_cannot_or_may_not_be_folded(string name, bool fold, int expected)
    {
        Assert.Equal(expected, Build(name, fold).Graph.Node.Count(n => n.OpType == "BatchNormalization"));
    }

    [Fact]
    public void LeNet_graph_runs_the_LeNet_operators_in_order()
    {
        Assert.Equal(
            ["Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm", "Relu", "Gemm", "Softmax"],
            Build("lenet-nobn", fold: true).Graph.Node.Select(n => n.OpType));
    }

    [Fact]
    public void Bn_after_graph_normalises_after_each_activation_even_when_folding()
    {
        Assert.Equal(
            ["Conv", "Relu", "BatchNormalization", "MaxPool", "Conv", "Relu", "BatchNormalization", "MaxPool", "Flatten",
             "Gemm", "Relu", "BatchNormalization", "Gemm", "Relu", "BatchNormalization", "Gemm", "Softmax"],
            Build("lenet-bn-after", fold: true).Graph.Node.Select(n => n.OpType));
    }

    [Fact]
    public void Mlp_graph_is_flatten_then_gemm_and_sigmoid()
    {
        Assert.Equal(
            ["Flatten", "Gemm", "Sigmoid", "Gemm", "Sigmoid", "Gemm", "Sigmoid", "Gemm", "Softmax"],
            Build("mlp-bn", fold: true).Graph.Node.Select(n => n.OpType));
    }

    [Fact]
    public void Conv_nodes_carry_the_described_padding_and_stride()
    {
        var conv3 = Build("conv3-bn", fold: true).Graph.Node.Single(n => n.Name == "conv3");

        Assert.Equal([1L, 1, 1, 1], conv3.Attribute.Single(a => a.Name == "pads").Ints);
        Assert.Equal([2L, 2], conv3.Attribute.Single(a => a.Name == "strides").Ints);
        Assert.Equal([3L, 3], conv3.Attribute.Single(a => a.Name == "kernel_shape").Ints);
    }

    [Fact]
    public void Folded_layers_gain_a_bias_and_initializers_keep_the_state_dict_names()
    {
        var graph = Build("lenet-bn", fold: true).Graph;
        var unfolded = Build("lenet-bn", fold: false).Graph;

        Assert.Contains(graph.Initializer, t => t.Name == "conv1.bias");
        Assert.DoesNotContain(unfolded.Initializer, t => t.Name == "conv1.bias");
        Assert.Contains(unfolded.Initializer, t => t.Name == "bn1.running_var");
        Assert.DoesNotContain(graph.Initializer, t => t.Name.StartsWith("bn", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(FixtureNetworks.All), MemberType = typeof(FixtureNetworks))]
    public void Input_and_outputs_follow_the_model_contract_with_a_symbolic_batch(string name)
    {
        var graph = Build(name, fold: true).Graph;

        var input = Assert.Single(graph.Input);
        Assert.Equal(ModelContract.InputName, input.Name);
        Assert.Equal([ModelContract.BatchDimension, "1", "28", "28"], Dims(input));
        Assert.Equal([ModelContract.LogitsName, ModelContract.ProbabilitiesName], graph.Output.Select(o => o.Name));
        Assert.All(graph.Output, o => Assert.Equal([ModelContract.BatchDimension, "10"], Dims(o)));
        Assert.Equal(ModelContract.LogitsName, graph.Node[^2].Output.Single());
    }

    [Fact]
    public void Default_options_write_opset_13_and_ir_version_8()
    {
        var model = Build("lenet-nobn", fold: true);

        Assert.Equal(8, model.IrVersion);
        var opset = Assert.Single(model.OpsetImport);
        Assert.Equal(("", 13L), (opset.Domain, opset.Version));
    }

    [Fact]
    public void Opset_outside_the_supported_range_is_refused()
    {
        var weights = RandomWeights.For(FixtureNetworks.ByName("lenet-nobn"), 1);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            OnnxExporter.BuildModel(weights, new StudyExportSettings(Opset: 11), ExportTestConfig.Metadata("nobn")));

        Assert.Contains("opset must be in [13, 21]", error.Message);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(15)]
    [InlineData(21)]
    public void Every_supported_opset_runs_in_onnx_runtime(int opset)
    {
        // BatchNormalization changed at opsets 14 and 15, and IR versions step up at 19 and 21.
        var weights = RandomWeights.For(FixtureNetworks.ByName("lenet-bn"), 1);
        var model = OnnxExporter.BuildModel(weights, new StudyExportSettings(opset, FoldBatchNorm: false), ExportTestConfig.Metadata("bn"));
        using var runner = new OnnxRunner(Google.Protobuf.MessageExtensions.ToByteArray(model));

        var outputs = runner.Run(OutputComparison.RandomPixels(1, 3), 3);

        Assert.Equal(30, outputs.Probabilities.Length);
        Assert.All(Enumerable.Range(0, 3), row => Assert.Equal(1f, outputs.Probabilities.Skip(row * 10).Take(10).Sum(), 4));
    }

    private static ModelProto Build(string name, bool fold)
    {
        var description = FixtureNetworks.ByName(name);
        return OnnxExporter.BuildModel(RandomWeights.For(description, 1), new StudyExportSettings(FoldBatchNorm: fold), ExportTestConfig.Metadata(FixtureNetworks.VariantOf(description)));
    }

    private static string[] Dims(ValueInfoProto value) =>
        value.Type.TensorType.Shape.Dim.Select(d => d.DimParam.Length > 0 ? d.DimParam : d.DimValue.ToString()).ToArray();
}
