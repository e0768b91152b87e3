// Records what a module's forward does, by running it once on an example input with a pre- and a
// post-hook on every module. Each module call becomes a graph node (ModuleNodes) that reads the value
// its input tensor holds; Residual and Concat become an Add and a Concat of the parts they report
// just before combining them;
// any other container only passes values along. The rule that keeps the graph honest: every tensor a
// module reads, and every container's result, must be one the trace has seen a module produce, with
// the values it had then. A tensor made by code in a forward method (x.relu(), a + b, torch.cat, an
// in-place x.add_()) is not, and the trace stops with an error naming the module that read it and the
// forward it came from, instead of writing a graph that silently computes something else.
using MnistBn.OnnxExport.Graph;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.TorchSharp;

/// <summary>Traces a module's forward into an <see cref="ExportGraph"/>.</summary>
internal sealed class ModuleTracer
{
    private const string InputValue = "input";

    private readonly Dictionary<Tensor, TracedValue> _values = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<nn.Module, string> _paths = new(ReferenceEqualityComparer.Instance);
    private readonly Stack<(nn.Module Module, string InputValue)> _calls = new();
    private readonly Dictionary<nn.Module, string[]> _combined = new(ReferenceEqualityComparer.Instance);
    private readonly List<Tensor> _snapshots = [];
    private readonly List<GraphNode> _nodes = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal) { InputValue };
    private readonly string _rootName;

    private ModuleTracer(nn.Module root)
    {
        _rootName = ModuleNodes.TypeName(root);
        _paths[root] = "";
        foreach (var (path, module) in root.named_modules())
            _paths.TryAdd(module, path); // a module shared by two parents keeps its first path
    }

    private sealed record TracedValue(string Name, Tensor Snapshot);

    /// <summary>
    /// The graph of <paramref name="root"/>'s forward on <paramref name="example"/>, a batch on the module's device, and
    /// the output that forward returned (the hooks pass every value through unchanged).
    /// </summary>
    public static (ExportGraph Graph, Tensor Output) Trace(nn.Module<Tensor, Tensor> root, Tensor example, string graphName)
    {
        var tracer = new ModuleTracer(root);
        var removers = new List<Action>();
        try
        {
            foreach (var module in tracer._paths.Keys.OfType<nn.Module<Tensor, Tensor>>())
            {
                ForeignHooks.Refuse(module, tracer.Describe(module));
                switch (module)
                {
                    case Residual residual:
                        residual.Combining = parts => tracer.Combined(residual, parts);
                        removers.Add(() => residual.Combining = null);
                        break;
                    case Concat concat:
                        concat.Combining = parts => tracer.Combined(concat, parts);
                        removers.Add(() => concat.Combining = null);
                        break;
                }
                var pre = module.register_forward_pre_hook((Func<nn.Module<Tensor, Tensor>, Tensor, Tensor>)tracer.Enter);
                var post = module.register_forward_hook((Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, Tensor>)tracer.Leave);
                removers.Add(pre.remove);
                removers.Add(post.remove);
            }
            tracer.Define(example, InputValue);
            var output = root.call(example);
            var result = tracer.ValueOf(output, $"the output of {tracer.Describe(root)}", root);
            return (new ExportGraph(graphName, InputValue, [.. example.shape.Skip(1)], tracer._nodes, result, [.. output.shape.Skip(1)]), output);
        }
        finally
        {
            foreach (var remove in removers)
                remove();
            foreach (var snapshot in tracer._snapshots)
                snapshot.Dispose();
        }
    }

    // Pre-hook: the input must be a value the trace knows, unchanged since it was produced.
    private Tensor Enter(nn.Module<Tensor, Tensor> module, Tensor input)
    {
        var value = ValueOf(input, $"{Describe(module)} reads an input that", _calls.Count > 0 ? _calls.Peek().Module : null);
        _calls.Push((module, value));
        return input;
    }

    // Post-hook: the module's output becomes a node's value (or its input's, for a pass-through).
    private Tensor Leave(nn.Module<Tensor, Tensor> module, Tensor input, Tensor output)
    {
        // The value read on entry (an in-place module may have overwritten the tensor since).
        var inputValue = _calls.Pop().InputValue;
        var path = PathOf(module);
        string value;
        switch (module)
        {
            case Residual residual:
                var terms = CombinedParts(residual);
                value = Add(new AddNode(NodeName(path), terms[0], terms[1]));
                break;
            case Concat concat:
                value = Add(new ConcatNode(NodeName(path), CombinedParts(concat), Axis: 1));
                break;
            case var _ when module.children().Any():
                // A container only passes along what its submodules produced.
                value = ValueOf(output, $"{Describe(module)} returns a tensor that", module);
                break;
            default:
                var node = ModuleNodes.Of(Describe(module), NodeName(path), module, inputValue, input, output);
                value = node is null ? inputValue : Add(node);
                break;
        }
        Define(output, value);
        return output;
    }

    private string Add(GraphNode node)
    {
        _nodes.Add(node);
        _names.Add(node.Name);
        return node.Name;
    }

    // The snapshot belongs to the trace, not to whatever dispose scope a module's forward opened.
    private void Define(Tensor tensor, string value)
    {
        var snapshot = tensor.detach().clone().DetachFromDisposeScope();
        _snapshots.Add(snapshot);
        _values[tensor] = new TracedValue(value, snapshot);
    }

    // Residual and Concat report their parts just before adding or joining them: each must be a value the
    // trace knows, unchanged (an in-place step in a later branch may have changed an earlier one's alias).
    private void Combined(nn.Module block, IReadOnlyList<Tensor> parts) =>
        _combined[block] = [.. parts.Select((part, k) => ValueOf(part, $"part {k} of {Describe(block)}", block))];

    private string[] CombinedParts(nn.Module block) =>
        _combined.Remove(block, out var parts)
            ? parts
            : throw new InvalidOperationException($"{Describe(block)}: its parts were not reported during its forward; call it through call()");

    private string ValueOf(Tensor tensor, string what, nn.Module? inForwardOf)
    {
        var where = inForwardOf is null ? "the code that calls the model" : $"the forward of {Describe(inForwardOf)}";
        if (!_values.TryGetValue(tensor, out var traced))
            throw new InvalidOperationException(
                $"{what} was computed by code the exporter cannot see (an operation in {where}, not a module). " +
                "Express it with modules: nn.ReLU, nn.Flatten, … for functional calls, Residual for a sum of branches, Concat for torch.cat.");
        if (!SameValues(traced.Snapshot, tensor))
            throw new InvalidOperationException(
                $"{what} was changed in place after '{traced.Name}' produced it, by code the exporter cannot see (in {where}). " +
                "Use a module for that step instead of an in-place tensor operation.");
        return traced.Name;
    }

    // Bitwise equal, NaN matching NaN (a model that outputs NaN is not changed in place by that).
    private static bool SameValues(Tensor snapshot, Tensor tensor)
    {
        if (!snapshot.shape.SequenceEqual(tensor.shape))
            return false;
        using var scope = NewDisposeScope();
        var current = tensor.detach();
        return (snapshot.eq(current) | (snapshot.isnan() & current.isnan())).all().item<bool>();
    }

    private string PathOf(nn.Module module) => _paths.GetValueOrDefault(module, "");

    /// <summary>A module as messages name it: its path in the model (the root by its type name).</summary>
    private string Describe(nn.Module module) => PathOf(module) is { Length: > 0 } path ? path : _rootName;

    // Node names are module paths; a module called twice gets path#2, path#3, ….
    private string NodeName(string path)
    {
        var name = path.Length > 0 ? path : _rootName;
        for (var call = 2; _names.Contains(name); call++)
            name = $"{(path.Length > 0 ? path : _rootName)}#{call}";
        return name;
    }
}
