// The check that closes the trace's blind spot. The trace compares each tensor with the values it had
// when a module produced it, on the example batch only, so an in-place step that leaves those values
// as they were (say clamp_(-10, 10) on small activations), or a branch in forward that depends on the
// input's values, passes it. Replaying the traced graph (GraphEvaluator) on a second, different and
// larger input and comparing it with the module's own forward on that input catches both: the graph
// is the computation that will be exported, and it must be the module's, not only on one batch.
using MnistBn.OnnxExport.Graph;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.TorchSharp;

internal static class GraphReplay
{
    // Float32 rounding differs between the graph's plain ops and the modules' kernels by ~1e-6 of the
    // output's scale; a computation the graph lacks differs by far more.
    private const double RelativeTolerance = 1e-3;

    /// <summary>
    /// Throws unless <paramref name="graph"/> gives <paramref name="module"/>'s output (in eval mode) on
    /// <paramref name="replay"/>, an input the trace has not seen.
    /// </summary>
    /// <exception cref="InvalidOperationException">The outputs differ, with the size of the difference and the likely causes.</exception>
    public static void RequireSameAsEager(nn.Module<Tensor, Tensor> module, ExportGraph graph, Tensor replay, string name)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var eager = module.call(replay);
        var replayed = GraphEvaluator.Evaluate(graph, replay);
        if (!eager.shape.SequenceEqual(replayed.shape))
            throw Differs(name, $"the module returns {ExportGraph.Format(eager.shape)}, the graph {ExportGraph.Format(replayed.shape)}");
        var finite = eager.isfinite();
        if (!finite.equal(replayed.isfinite()).all().item<bool>())
            throw Differs(name, "the module and the graph return non-finite values in different places");
        var scale = eager.where(finite, 0).abs().max().item<float>();
        var difference = (eager - replayed).where(finite, 0).abs().max().item<float>();
        if (difference > RelativeTolerance * Math.Max(1, scale))
            throw Differs(name, $"max |module − graph| = {difference:G3} where the outputs reach {scale:G3}");
    }

    private static InvalidOperationException Differs(string name, string how) => new(
        $"Cannot export {name}: the traced graph does not compute what its forward computes on a second input ({how}). " +
        "The trace saw the forward on one example batch only; something in forward acted there without showing: " +
        "an in-place change between modules that left the example's values as they were (e.g. clamp_), or a branch " +
        "that depends on the input's values. Express it with modules (e.g. nn.Hardtanh for a clamp), so the export can see it.");
}
