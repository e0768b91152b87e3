// The one call a TorchSharp user makes: module.ExportOnnx(path, inputShape). It checks the module is
// ready (eval mode, float32), traces its forward on a deterministic example batch without touching
// torch's random state, checks the traced graph against forward on a second batch (GraphReplay), and
// hands the graph to the core writer, which folds BatchNorm and writes the file atomically.
using MnistBn.OnnxExport.Graph;
using Onnx;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.TorchSharp;

/// <summary>ONNX export of TorchSharp modules.</summary>
public static class ModuleOnnxExport
{
    // Two samples, so that nothing shape-dependent in a forward treats the batch axis as a constant 1.
    private const int ExampleBatch = 2;

    private const int TraceSeed = 20150211;

    // Another seed and a wider range: the replay input differs from the traced one in every value and in scale.
    private const int ReplaySeed = 1502031;

    /// <summary>
    /// Writes <paramref name="module"/> as an ONNX model to <paramref name="path"/> (atomically; parent
    /// folders are created) and returns the full path.
    /// </summary>
    /// <param name="module">The model, in eval mode (<c>module.eval()</c>), with float32 parameters.</param>
    /// <param name="path">Where the .onnx file goes.</param>
    /// <param name="inputShape">One sample's input shape without the batch axis, e.g. <c>[3, 32, 32]</c>; the batch axis is symbolic.</param>
    /// <param name="options">Opset, folding, tensor names, labels, metadata; defaults when null.</param>
    /// <exception cref="InvalidOperationException">The module is in training mode, carries forward hooks of its own, or its forward computes something the trace cannot see (the message names the module) or that the traced graph does not reproduce on a second input.</exception>
    /// <exception cref="NotSupportedException">A module has no ONNX form here (the message starts with its path, e.g. <c>features.3: Upsample is not supported</c>), or the parameters are not float32.</exception>
    /// <exception cref="ArgumentException">A bad input shape, class labels that do not match the output, clashing tensor names, or an opset outside 13–21.</exception>
    /// <exception cref="InvalidDataException">The graph fails the structure check (a bug to report).</exception>
    /// <exception cref="IOException">The path is a directory or cannot be written; no partial file is left.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    public static string ExportOnnx(this nn.Module<Tensor, Tensor> module, string path, long[] inputShape, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return OnnxModelWriter.Write(module.ToExportGraph(inputShape), path, options ?? new OnnxExportOptions());
    }

    /// <summary>The ONNX model <see cref="ExportOnnx"/> would write, without writing it.</summary>
    /// <inheritdoc cref="ExportOnnx" path="/exception"/>
    public static ModelProto ToOnnxModel(this nn.Module<Tensor, Tensor> module, long[] inputShape, OnnxExportOptions? options = null) =>
        OnnxModelWriter.Build(module.ToExportGraph(inputShape), options ?? new OnnxExportOptions());

    /// <summary>The traced graph, before folding (for tools that write it with their own options).</summary>
    /// <inheritdoc cref="ExportOnnx" path="/exception"/>
    public static ExportGraph ToExportGraph(this nn.Module<Tensor, Tensor> module, long[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(inputShape);
        // Built-in containers carry their native name (torch::nn::SequentialImpl); users know the class name.
        var name = module.GetName() is { Length: > 0 } n && !n.Contains("::", StringComparison.Ordinal) ? n : ModuleNodes.TypeName(module);
        if (inputShape.Length == 0 || inputShape.Any(d => d < 1))
            throw new ArgumentException($"{name}: the input shape must list one sample's dimensions without the batch axis, e.g. [3, 32, 32]; got {ExportGraph.Format(inputShape)}", nameof(inputShape));
        RequireReady(module, name);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = module.parameters().Select(p => p.device).Concat(module.buffers().Select(b => b.device)).FirstOrDefault() ?? CPU;
        var (graph, _) = ModuleTracer.Trace(module, Example(inputShape, device, TraceSeed, range: 1), name);
        var replay = Example(inputShape, device, ReplaySeed, range: 4);
        // The trace's own checks once more, on a batch where a step hidden on the example may show (and be named);
        // its output is the module's own on that batch. The trace gets a copy: an in-place first layer changes its input.
        var (replayGraph, moduleOutput) = ModuleTracer.Trace(module, replay.clone(), name);
        GraphReplay.RequireSamePath(graph, replayGraph, name);
        GraphReplay.RequireSameAsEager(moduleOutput, graph, replay, name);
        return graph;
    }

    private static void RequireReady(nn.Module module, string name)
    {
        var training = module.training ? name : module.named_modules().FirstOrDefault(m => m.module.training).name;
        if (training is not null)
            throw new InvalidOperationException(
                $"Cannot export {name}: {(training == name ? "it is" : $"its module '{training}' is")} in training mode; call eval() first, so that the exported graph and the eager model both use the running BatchNorm statistics and no dropout");
        // Float32 weights; BatchNorm's num_batches_tracked is an int64 counter the graph never reads.
        var other = module.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).Concat(module.named_buffers())
            .FirstOrDefault(p => p.Item2.dtype is not (ScalarType.Float32 or ScalarType.Int64));
        if (other.Item2 is not null)
            throw new NotSupportedException($"Cannot export {name}: '{other.Item1}' is {other.Item2.dtype}; only float32 models are exported (call module.to(ScalarType.Float32))");
    }

    // Deterministic values uniform in [−range, range] from a .NET generator, so exporting leaves torch's
    // random state as it was.
    private static Tensor Example(long[] inputShape, Device device, int seed, double range)
    {
        var shape = new long[] { ExampleBatch }.Concat(inputShape).ToArray();
        var random = new Random(seed);
        var values = new float[checked((int)shape.Aggregate(1L, (a, b) => a * b))];
        for (var i = 0; i < values.Length; i++)
            values[i] = (float)((random.NextDouble() * 2 - 1) * range);
        return tensor(values, shape).to(device);
    }
}
