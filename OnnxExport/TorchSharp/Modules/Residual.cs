// A residual connection as a module: body(x) + shortcut(x), the shortcut being the identity when none
// is given. A custom forward that adds two tensors is invisible to the exporter's trace; this module
// says the same thing in a way it can see, and trains like any other module.
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.TorchSharp;

/// <summary>y = body(x) + shortcut(x) (or + x): a ResNet-style block that exports to ONNX as an Add.</summary>
public sealed class Residual : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> body;
    private readonly nn.Module<Tensor, Tensor>? shortcut;

    /// <param name="body">The block's main path.</param>
    /// <param name="shortcut">The projection on the skip path (e.g. a 1×1 conv and BatchNorm), or null for the identity.</param>
    /// <param name="name">The module's name.</param>
    public Residual(nn.Module<Tensor, Tensor> body, nn.Module<Tensor, Tensor>? shortcut = null, string name = nameof(Residual)) : base(name)
    {
        this.body = body ?? throw new ArgumentNullException(nameof(body));
        this.shortcut = shortcut;
        RegisterComponents();
    }

    /// <summary>The main path.</summary>
    public nn.Module<Tensor, Tensor> Body => body;

    /// <summary>The skip path's module, or null for the identity.</summary>
    public nn.Module<Tensor, Tensor>? Shortcut => shortcut;

    /// <summary>Set by the exporter's trace: sees the two terms just before they are added.</summary>
    internal Action<IReadOnlyList<Tensor>>? Combining { get; set; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var main = body.call(input);
        using var skip = shortcut?.call(input);
        Combining?.Invoke([main, skip ?? input]);
        return main + (skip ?? input);
    }
}
