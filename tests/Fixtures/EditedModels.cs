// The exporter's real LeNet with one deliberate defect, for the bad-model tests of the classifier
// (Inference.Tests) and of the evaluator (Training.Tests): a model that is valid but for that defect,
// so a refusal can only be for it.
using Google.Protobuf;
using MnistBn.Network.Onnx;
using MnistBn.Shared;
using Onnx;

namespace MnistBn.TestFixtures;

internal static class EditedModels
{
    /// <summary>A valid nobn LeNet (random weights, seed 3) as a protobuf message, to be edited.</summary>
    public static ModelProto LeNet() =>
        OnnxExporter.BuildModel(FixtureModels.RandomLeNet(VariantNames.NoBatchNorm, seed: 3), new StudyExportSettings(),
            OnnxExportMetadata.WithoutMetrics(VariantNames.NoBatchNorm, "{}"));

    /// <summary><see cref="LeNet"/> with tensor <paramref name="from"/> renamed everywhere it appears, serialised.</summary>
    public static byte[] RenamedTensor(string from, string to)
    {
        var model = LeNet();
        Rename(model, from, to);
        return model.ToByteArray();
    }

    /// <summary><see cref="LeNet"/> with one NaN in the last layer's bias: every output becomes NaN.</summary>
    public static byte[] WithNaNWeight()
    {
        var model = LeNet();
        var bias = model.Graph.Initializer.Single(t => t.Name == "fc3.bias");
        var values = bias.RawData.ToByteArray();
        BitConverter.TryWriteBytes(values.AsSpan(0, sizeof(float)), float.NaN);
        bias.RawData = ByteString.CopyFrom(values);
        return model.ToByteArray();
    }

    /// <summary><see cref="LeNet"/> whose two outputs trade names: "probabilities" holds the logits.</summary>
    public static byte[] SwappedOutputs()
    {
        var model = ModelProto.Parser.ParseFrom(RenamedTensor(ModelContract.LogitsName, "swap"));
        Rename(model, ModelContract.ProbabilitiesName, ModelContract.LogitsName);
        Rename(model, "swap", ModelContract.ProbabilitiesName);
        return model.ToByteArray();
    }

    /// <summary><see cref="LeNet"/> with its Softmax replaced by an Identity: "probabilities" are the logits.</summary>
    public static byte[] SoftmaxAsIdentity()
    {
        var model = LeNet();
        var softmax = model.Graph.Node.Single(n => n.OpType == "Softmax");
        softmax.OpType = "Identity";
        softmax.Attribute.Clear();
        return model.ToByteArray();
    }

    private static void Rename(ModelProto model, string from, string to)
    {
        foreach (var value in model.Graph.Input.Concat(model.Graph.Output).Where(v => v.Name == from))
            value.Name = to;
        foreach (var node in model.Graph.Node)
        {
            for (var i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == from) node.Input[i] = to;
            for (var i = 0; i < node.Output.Count; i++)
                if (node.Output[i] == from) node.Output[i] = to;
        }
    }
}
