// The exported graph's shape: which operators, which names, a symbolic batch, and a clean structure check.
using MnistBn.Shared;
using MnistBn.Training.Export;
using Onnx;

namespace MnistBn.Training.Tests.Export;

public sealed class LeNetOnnxGraphTests
{
    [Fact]
    public void Folded_bn_graph_has_no_BatchNormalization_node_and_passes_structure_check()
    {
        var model = LeNetOnnxExporter.BuildModel(LeNetWeights.Random(1, batchNorm: true), new OnnxExportOptions(), ExportTestConfig.Metadata());

        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "BatchNormalization");
        Assert.Empty(OnnxStructureCheck.Problems(model));
    }

    [Fact]
    public void Unfolded_bn_graph_has_four_BatchNormalization_nodes_and_passes_structure_check()
    {
        var model = LeNetOnnxExporter.BuildModel(LeNetWeights.Random(1, batchNorm: true), new OnnxExportOptions(FoldBatchNorm: false), ExportTestConfig.Metadata());

        Assert.Equal(4, model.Graph.Node.Count(n => n.OpType == "BatchNormalization"));
        Assert.Empty(OnnxStructureCheck.Problems(model));
    }

    [Fact]
    public void Graph_runs_the_LeNet_operators_in_order()
    {
        var model = LeNetOnnxExporter.BuildModel(LeNetWeights.Random(1, batchNorm: false), new OnnxExportOptions(), ExportTestConfig.Metadata());

        Assert.Equal(
            ["Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm", "Relu", "Gemm", "Softmax"],
            model.Graph.Node.Select(n => n.OpType));
    }

    [Fact]
    public void Input_and_outputs_follow_the_model_contract_with_a_symbolic_batch()
    {
        var graph = LeNetOnnxExporter.BuildModel(LeNetWeights.Random(1, batchNorm: true), new OnnxExportOptions(), ExportTestConfig.Metadata()).Graph;

        var input = Assert.Single(graph.Input);
        Assert.Equal(ModelContract.InputName, input.Name);
        Assert.Equal([ModelContract.BatchDimension, "1", "28", "28"], Dims(input));
        Assert.Equal([ModelContract.LogitsName, ModelContract.ProbabilitiesName], graph.Output.Select(o => o.Name));
        Assert.All(graph.Output, o => Assert.Equal([ModelContract.BatchDimension, "10"], Dims(o)));
    }

    [Fact]
    public void Default_options_write_opset_13_and_ir_version_8()
    {
        var model = LeNetOnnxExporter.BuildModel(LeNetWeights.Random(1, batchNorm: false), new OnnxExportOptions(), ExportTestConfig.Metadata());

        Assert.Equal(8, model.IrVersion);
        var opset = Assert.Single(model.OpsetImport);
        Assert.Equal(("", 13L), (opset.Domain, opset.Version));
    }

    [Fact]
    public void Opset_outside_the_supported_range_is_rejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            LeNetOnnxExporter.BuildModel(LeNetWeights.Random(1, batchNorm: false), new OnnxExportOptions(Opset: 11), ExportTestConfig.Metadata()));

        Assert.Contains("opset must be in [13, 21]", error.Message);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(15)]
    [InlineData(21)]
    public void Every_supported_opset_runs_in_onnx_runtime(int opset)
    {
        // BatchNormalization changed at opsets 14 and 15, and IR versions step up at 19 and 21.
        var model = LeNetOnnxExporter.BuildModel(LeNetWeights.Random(1, batchNorm: true), new OnnxExportOptions(opset, FoldBatchNorm: false), ExportTestConfig.Metadata());
        using var runner = new OnnxRunner(Google.Protobuf.MessageExtensions.ToByteArray(model));

        var outputs = runner.Run(OutputComparison.RandomPixels(1, 3), 3);

        Assert.Equal(30, outputs.Probabilities.Length);
        Assert.All(Enumerable.Range(0, 3), row => Assert.Equal(1f, outputs.Probabilities.Skip(row * 10).Take(10).Sum(), 4));
    }

    private static string[] Dims(ValueInfoProto value) =>
        value.Type.TensorType.Shape.Dim.Select(d => d.DimParam.Length > 0 ? d.DimParam : d.DimValue.ToString()).ToArray();
}
