// Parallel branches joined along the channel axis, as a module (Inception-style blocks): the exporter
// sees each branch and writes one Concat, where a custom forward calling torch.cat would be invisible.
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.TorchSharp;

/// <summary>y = cat([branch(x) for each branch], dim 1): exports to ONNX as a Concat over channels.</summary>
public sealed class Concat : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> branches;

    /// <param name="branches">Two or more branches that each read the block's input.</param>
    public Concat(params nn.Module<Tensor, Tensor>[] branches) : base(nameof(Concat))
    {
        if (branches is null || branches.Length < 2)
            throw new ArgumentException("Concat needs at least two branches", nameof(branches));
        this.branches = nn.ModuleList(branches);
        RegisterComponents();
    }

    /// <summary>The branches in output order.</summary>
    public IReadOnlyList<nn.Module<Tensor, Tensor>> Branches => [.. branches];

    /// <summary>Set by the exporter's trace: sees the branches' results just before they are joined.</summary>
    internal Action<IReadOnlyList<Tensor>>? Combining { get; set; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var parts = branches.Select(b => b.call(input)).ToList();
        Combining?.Invoke(parts);
        return cat(parts, 1).MoveToOuterDisposeScope();
    }
}
