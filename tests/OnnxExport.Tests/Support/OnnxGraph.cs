// Questions about an exported ModelProto: which operators it holds, its outputs and its metadata.
using Onnx;

namespace MnistBn.OnnxExport.Tests.Support;

internal static class OnnxGraph
{
    public static int Count(ModelProto model, string opType) => model.Graph.Node.Count(n => n.OpType == opType);

    public static IReadOnlyList<NodeProto> Nodes(ModelProto model, string opType) => [.. model.Graph.Node.Where(n => n.OpType == opType)];

    public static IReadOnlyList<string> OutputNames(ModelProto model) => [.. model.Graph.Output.Select(o => o.Name)];

    public static IReadOnlyDictionary<string, string> Metadata(ModelProto model) => OnnxModelWriter.ReadMetadata(model);
}
