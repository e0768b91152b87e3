// The folding rule on a whole graph: a BatchNorm folds into the conv or linear node that produces its
// input when nothing else reads that node's output (no other branch, not the graph output), so the
// change is invisible to every other reader. The folded node keeps the producer's name and takes the
// BatchNorm's place; whoever read the BatchNorm reads it instead. Any other BatchNorm stays a node.
using MnistBn.OnnxExport.Weights;

namespace MnistBn.OnnxExport.Graph;

/// <summary>BatchNorm folding over an <see cref="ExportGraph"/>.</summary>
public static class GraphFolding
{
    /// <summary><paramref name="graph"/> with every foldable BatchNorm folded into the layer before it.</summary>
    public static ExportGraph FoldBatchNorm(ExportGraph graph)
    {
        var producers = graph.Nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var folded = new Dictionary<string, GraphNode>(StringComparer.Ordinal); // producer name → folded node
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);  // BatchNorm name → producer name
        foreach (var norm in graph.Nodes.OfType<BatchNormNode>())
        {
            if (!producers.TryGetValue(norm.Input, out var producer) || !IsSoleReader(graph, norm))
                continue;
            GraphNode? target = producer switch
            {
                ConvNode conv => conv with { Weights = BatchNormFolding.Fold(conv.Weights, norm.Statistics) },
                LinearNode linear => linear with { Weights = BatchNormFolding.Fold(linear.Weights, norm.Statistics) },
                _ => null,
            };
            if (target is null)
                continue;
            folded[producer.Name] = target;
            renamed[norm.Name] = producer.Name;
        }
        if (folded.Count == 0)
            return graph;

        string Rename(string value) => renamed.GetValueOrDefault(value, value);
        var nodes = new List<GraphNode>();
        foreach (var node in graph.Nodes)
        {
            if (renamed.ContainsKey(node.Name))
                nodes.Add(folded[renamed[node.Name]].WithInputs(Rename)); // the folded layer stands where its BatchNorm stood; it may read another fold
            else if (!folded.ContainsKey(node.Name))
                nodes.Add(node.WithInputs(Rename));
        }
        return graph.With(nodes, Rename(graph.Output));
    }

    // The BatchNorm is the only reader of its producer's output, and that output is not returned.
    private static bool IsSoleReader(ExportGraph graph, BatchNormNode norm)
    {
        var (readers, isOutput) = graph.Consumers(norm.Input);
        return !isOutput && readers.Count == 1;
    }
}
