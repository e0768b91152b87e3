// The central check: export a module (eval mode) with ToOnnxModel, run the model in ONNX Runtime on a
// seeded random batch, run the same batch through module.call(x) under no_grad, and compare; the
// exporter's plain twin (GraphEvaluator on the traced graph) is held to ONNX Runtime the same way. Set
// MNISTBN_EXPORT_DELTA_LOG to a file path to have every observed max |Δ| appended to it.
using MnistBn.OnnxExport.TorchSharp;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests.Support;

internal static class EagerVsOnnx
{
    /// <summary>The bound every equivalence test states: max |eager − ONNX Runtime| over the batch.</summary>
    public const float Tolerance = 1e-5f;

    /// <summary>Samples in the compared batch (the export traces with 2; the model's batch axis is symbolic).</summary>
    public const int Batch = 4;

    /// <summary>The defaults (opset 13, BatchNorm folded, tensors input/output).</summary>
    public static readonly OnnxExportOptions Defaults = new() { };

    public static OnnxExportOptions Options(int opset, bool fold) => new() { Opset = opset, FoldBatchNorm = fold };

    /// <summary>Asserts that the exported model reproduces eager outputs within <see cref="Tolerance"/>.</summary>
    public static void AssertMatches(nn.Module<Tensor, Tensor> module, long[] inputShape, int opset, bool fold, double inputScale = 1, int seed = 7)
    {
        var delta = MaxDelta(module, inputShape, Options(opset, fold), inputScale, seed);
        Assert.True(delta <= Tolerance,
            $"{module.GetName()} on [{string.Join(", ", inputShape)}], opset {opset}, fold {fold}: max |eager − ORT| = {delta:G3} > {Tolerance:G3}");
        var twin = PlainTwinDelta(module, inputShape, Options(opset, fold), inputScale, seed);
        Assert.True(twin <= Tolerance,
            $"{module.GetName()} on [{string.Join(", ", inputShape)}], opset {opset}, fold {fold}: max |plain twin − ORT| = {twin:G3} > {Tolerance:G3}");
    }

    /// <summary>Max |GraphEvaluator − ONNX Runtime| on the batch <see cref="MaxDelta"/> uses: the plain twin pinned to the written file.</summary>
    public static float PlainTwinDelta(nn.Module<Tensor, Tensor> module, long[] inputShape, OnnxExportOptions options, double inputScale = 1, int seed = 7)
    {
        var model = module.ToOnnxModel(inputShape, options);
        var (input, shape, _, _) = Eager(module, inputShape, inputScale, seed);
        var actual = OnnxRun.Run(model, options.InputName, input, shape)[options.OutputName];
        using var scope = NewDisposeScope();
        var twin = GraphEvaluator.Evaluate(module.ToExportGraph(inputShape), tensor(input, shape));
        Assert.Equal(actual.Shape, twin.shape);
        return MaxAbsDiff(twin.contiguous().data<float>().ToArray(), actual.Values);
    }

    /// <summary>Max |eager − ONNX Runtime| of the logits output on a seeded batch of <see cref="Batch"/> samples.</summary>
    public static float MaxDelta(nn.Module<Tensor, Tensor> module, long[] inputShape, OnnxExportOptions options, double inputScale = 1, int seed = 7)
    {
        var model = module.ToOnnxModel(inputShape, options);
        var (input, shape, expected, expectedShape) = Eager(module, inputShape, inputScale, seed);
        var actual = OnnxRun.Run(model, options.InputName, input, shape)[options.OutputName];
        Assert.Equal(expectedShape, actual.Shape);
        var delta = MaxAbsDiff(expected, actual.Values);
        Log($"{module.GetName()} [{string.Join("x", inputShape)}] opset {options.Opset} fold {options.FoldBatchNorm}: {delta:G3}");
        return delta;
    }

    /// <summary>A seeded random batch and the module's eager output on it, both flat, with their shapes.</summary>
    public static (float[] Input, long[] InputShape, float[] Output, long[] OutputShape) Eager(
        nn.Module<Tensor, Tensor> module, long[] inputShape, double inputScale = 1, int seed = 7)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        manual_seed(seed);
        var x = randn([Batch, .. inputShape]) * inputScale;
        // Read before the call: a module with an in-place first step (ReLU(inplace: true)) changes x.
        var input = x.contiguous().data<float>().ToArray();
        var y = module.call(x);
        return (input, x.shape, y.contiguous().data<float>().ToArray(), y.shape);
    }

    public static float MaxAbsDiff(float[] a, float[] b) => OutputComparison.MaxAbsDiff(a, b);

    private static void Log(string line)
    {
        if (Environment.GetEnvironmentVariable("MNISTBN_EXPORT_DELTA_LOG") is { Length: > 0 } path)
            File.AppendAllLines(path, [line]);
    }
}
