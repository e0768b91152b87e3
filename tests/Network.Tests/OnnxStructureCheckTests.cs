// The structural check finds each kind of broken graph (so a clean result on our exports means something).
using MnistBn.OnnxExport.Onnx;
using Google.Protobuf;
using MnistBn.Network.Onnx;
using MnistBn.Network.Weights;
using Onnx;

namespace MnistBn.Network.Tests;

public sealed class OnnxStructureCheckTests
{
    private static ModelProto ValidModel() =>
        OnnxExporter.BuildModel(
            RandomWeights.For(FixtureNetworks.ByName("lenet-bn"), 2), new StudyExportSettings(FoldBatchNorm: false), ExportTestConfig.Metadata("bn"));

    [Fact]
    public void Node_reading_an_undefined_tensor_is_reported()
    {
        var model = ValidModel();
        model.Graph.Node[3].Input[0] = "nowhere";

        Assert.Contains(OnnxStructureCheck.Problems(model), p => p.Contains("input 'nowhere' is not a graph input"));
    }

    [Fact]
    public void Node_reading_a_later_output_is_reported()
    {
        var model = ValidModel();
        var first = model.Graph.Node[0];
        model.Graph.Node.RemoveAt(0);
        model.Graph.Node.Add(first);

        Assert.Contains(OnnxStructureCheck.Problems(model), p => p.Contains("input 'conv1' is not a graph input"));
    }

    [Fact]
    public void Graph_output_no_node_produces_is_reported()
    {
        var model = ValidModel();
        model.Graph.Node.RemoveAt(model.Graph.Node.Count - 1);

        Assert.Contains(OnnxStructureCheck.Problems(model), p => p.Contains("graph output 'probabilities' is not produced"));
    }

    [Fact]
    public void Initializer_whose_data_does_not_fit_its_dims_is_reported()
    {
        var model = ValidModel();
        var tensor = model.Graph.Initializer.First(t => t.Name == "fc2.weight");
        tensor.RawData = ByteString.CopyFrom(new byte[4 * 10]);

        Assert.Contains(OnnxStructureCheck.Problems(model), p => p.Contains("initializer 'fc2.weight' holds 10 values but its dims [84, 120] need 10080"));
    }

    [Fact]
    public void Duplicate_initializer_name_is_reported()
    {
        var model = ValidModel();
        model.Graph.Initializer.Add(model.Graph.Initializer[0].Clone());

        Assert.Contains(OnnxStructureCheck.Problems(model), p => p.Contains($"initializer '{model.Graph.Initializer[0].Name}' redefines a name"));
    }

    [Fact]
    public void Node_output_that_shadows_an_initializer_is_reported()
    {
        var model = ValidModel();
        model.Graph.Node[0].Output[0] = "fc1.weight";

        Assert.Contains(OnnxStructureCheck.Problems(model), p => p.Contains("'fc1.weight' redefines a name"));
    }

    [Fact]
    public void Model_without_opset_is_reported()
    {
        var model = ValidModel();
        model.OpsetImport.Clear();

        Assert.Contains("no opset is imported for the default ONNX domain", OnnxStructureCheck.Problems(model));
    }
}
