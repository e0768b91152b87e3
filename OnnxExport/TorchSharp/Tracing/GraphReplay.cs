// The checks that close the trace's blind spot. The trace compares each tensor with the values it had
// when a module produced it, on the example batch only, so an in-place step that leaves those values
// as they were (say clamp_(-10, 10) on small activations), or a branch in forward that depends on the
// input's values, passes it. On a second, different and larger input, ModuleOnnxExport traces again
// (the trace's own error then names the module), requires the same modules in the same order
// (RequireSamePath), and compares the traced graph, evaluated in plain tensor ops (GraphEvaluator), with
// the module's own forward (RequireSameAsEager): the graph, before folding, is what will be written, and
// it must compute what the module computes, not only on one batch.
using MnistBn.OnnxExport.Graph;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.TorchSharp;

internal static class GraphReplay
{
    // Float32 rounding differs between the graph's plain ops and the modules' kernels by ~1e-6 of the
    // output's largest magnitude; a computation the graph lacks differs by far more. The floor keeps an
    // all-zero output from demanding exact equality.
    private const double RelativeTolerance = 1e-3;
    private const double AbsoluteFloor = 1e-6;

    /// <summary>Throws unless the trace on the second input (<paramref name="replayed"/>) called the modules <paramref name="traced"/> did, in the same order.</summary>
    /// <exception cref="InvalidOperationException">Another path, naming the first node where the two differ.</exception>
    public static void RequireSamePath(ExportGraph traced, ExportGraph replayed, string name)
    {
        var (first, second) = (Path(traced), Path(replayed));
        if (first.SequenceEqual(second))
            return;
        var at = Enumerable.Range(0, Math.Max(first.Length, second.Length)).First(i => i >= first.Length || i >= second.Length || first[i] != second[i]);
        string Step(string[] path) => at < path.Length ? $"'{path[at]}'" : "nothing";
        throw new InvalidOperationException(
            $"Cannot export {name}: its forward takes another path on a second input (step {at + 1}: {Step(first)} on the example batch, " +
            $"{Step(second)} on the second). A branch that depends on the input's values cannot be one ONNX graph; " +
            "compute both branches with modules, or export each path as a model of its own.");
    }

    // Each node by name and kind, with what it reads where that is not simply the step before; then the output.
    private static string[] Path(ExportGraph graph) =>
    [
        .. graph.Nodes.Select((n, i) => $"{n.Name} ({n.GetType().Name.Replace("Node", "", StringComparison.Ordinal)})" +
            (n.Inputs.SequenceEqual([i == 0 ? graph.Input : graph.Nodes[i - 1].Name]) ? "" : $" reading {string.Join(", ", n.Inputs)}")),
        $"output {graph.Output}",
    ];

    /// <summary>
    /// Throws unless <paramref name="graph"/> gives <paramref name="moduleOutput"/>, the module's own output (in eval
    /// mode) on <paramref name="replay"/>, an input the first trace has not seen.
    /// </summary>
    /// <exception cref="InvalidOperationException">The outputs differ, with the size of the difference and the likely causes.</exception>
    public static void RequireSameAsEager(Tensor moduleOutput, ExportGraph graph, Tensor replay, string name)
    {
        using var scope = NewDisposeScope();
        var replayed = GraphEvaluator.Evaluate(graph, replay);
        if (!moduleOutput.shape.SequenceEqual(replayed.shape))
            throw Differs(name, $"the module returns {ExportGraph.Format(moduleOutput.shape)}, the graph {ExportGraph.Format(replayed.shape)}");
        var finite = moduleOutput.isfinite();
        if (!finite.equal(replayed.isfinite()).all().item<bool>())
            throw Differs(name, "the module and the graph return non-finite values in different places");
        var scale = moduleOutput.where(finite, 0).abs().max().item<float>();
        var difference = (moduleOutput - replayed).where(finite, 0).abs().max().item<float>();
        if (difference > RelativeTolerance * scale + AbsoluteFloor)
            throw Differs(name, $"max |module − graph| = {difference:G3} where the outputs reach {scale:G3}");
    }

    private static InvalidOperationException Differs(string name, string how) => new(
        $"Cannot export {name}: the traced graph does not compute what its forward computes on a second input ({how}). " +
        "The trace saw the forward on one example batch only; something in forward acted there without showing: " +
        "an in-place change between modules that left the example's values as they were (e.g. clamp_), or a branch " +
        "that depends on the input's values. Express it with modules (e.g. nn.Hardtanh for a clamp), so the export can see it.");
}
