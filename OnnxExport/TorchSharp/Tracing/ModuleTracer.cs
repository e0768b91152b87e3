// Records what a module's forward does, by running it once on an example input with a pre- and a
// post-hook on every module. Each module call becomes a graph node (ModuleNodes) that reads the value
// its input tensor holds; Residual and Concat become an Add and a Concat of their branches' outputs;
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
    private readonly Dictionary<nn.Module, Tensor> _lastOutput = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<nn.Module, string> _paths = new(ReferenceEqualityComparer.Instance);
    private readonly Stack<(nn.Module Module, string InputValue)> _calls = new();
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

    /// <summary>The graph of <paramref name="root"/>'s forward on <paramref name="example"/>, a batch on the module's device.</summary>
    public static ExportGraph Trace(nn.Module<Tensor, Tensor> root, Tensor example, string graphName)
    {
        var tracer = new ModuleTracer(root);
        var removers = new List<Action>();
        try
        {
            foreach (var module in tracer._paths.Keys.OfType<nn.Module<Tensor, Tensor>>())
            {
                var pre = module.register_forward_pre_hook((Func<nn.Module<Tensor, Tensor>, Tensor, Tensor>)tracer.Enter);
                var post = module.register_forward_hook((Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, Tensor>)tracer.Leave);
                removers.Add(pre.remove);
                removers.Add(post.remove);
            }
            tracer.Define(example, InputValue);
            var output = root.call(example);
            var result = tracer.ValueOf(output, $"the output of {tracer.Describe(root)}", root);
            return new ExportGraph(graphName, InputValue, [.. example.shape.Skip(1)], tracer._nodes, result, [.. output.shape.Skip(1)]);
        }
        finally
        {
            foreach (var remove in removers)
                remove();
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
        // The value read on entry: an in-place module (ReLU(inplace: true)) has overwritten the tensor since.
        var inputValue = _calls.Pop().InputValue;
        var path = PathOf(module);
        string value;
        switch (module)
        {
            case Residual residual:
                var main = LastOutputOf(residual.Body, residual);
                // The identity skip adds the input tensor as it is now: an in-place first module of the
                // body (ReLU(inplace: true)) has changed it, and its value is what eager adds.
                var skip = residual.Shortcut is { } shortcut
                    ? LastOutputOf(shortcut, residual)
                    : ValueOf(input, $"the skip connection of {Describe(residual)}", residual);
                value = Add(new AddNode(NodeName(path), main, skip));
                break;
            case Concat concat:
                value = Add(new ConcatNode(NodeName(path), [.. concat.Branches.Select(b => LastOutputOf(b, concat))], Axis: 1));
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
        _lastOutput[module] = output;
        return output;
    }

    private string Add(GraphNode node)
    {
        _nodes.Add(node);
        _names.Add(node.Name);
        return node.Name;
    }

    private void Define(Tensor tensor, string value) => _values[tensor] = new TracedValue(value, tensor.detach().clone());

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

    // The branch's result by name only: the block may have disposed it already, and its sum or
    // concatenation is computed by this package's own code, which changes nothing in place.
    private string LastOutputOf(nn.Module branch, nn.Module container) =>
        _lastOutput.TryGetValue(branch, out var output) && _values.TryGetValue(output, out var traced)
            ? traced.Name
            : throw new InvalidOperationException($"{Describe(container)}: its branch {Describe(branch)} was not called through call() during the forward");

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
