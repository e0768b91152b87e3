// The Batch Normalization paper's own MNIST network (Ioffe & Szegedy 2015, section 4.1): 28×28 input
// flattened to 784 → three fully-connected hidden layers of 100 sigmoid units → 10 logits, trained
// with mini-batches of 60; the BN variant normalises each hidden layer before its sigmoid, with the
// project's hand-written BatchNorm1d. Used by the experiments to reproduce the paper's Figure 1.
using MnistBn.Shared;
using MnistBn.Shared.Configuration;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistBn.Training.Model;

/// <summary>784 → 100 → 100 → 100 → 10 with sigmoid hidden units and optional BatchNorm.</summary>
public sealed class PaperMlp : nn.Module<Tensor, Tensor>, IPreActivationProbe
{
    /// <summary>Units in each hidden layer, as in the paper.</summary>
    public const int HiddenWidth = 100;

#pragma warning disable IDE1006 // submodule names are the state_dict prefixes
    private readonly Linear fc1;
    private readonly BatchNorm1d? bn1;
    private readonly Linear fc2;
    private readonly BatchNorm1d? bn2;
    private readonly Linear fc3;
    private readonly BatchNorm1d? bn3;
    private readonly Linear fc4;
#pragma warning restore IDE1006

    /// <summary>Creates the network with PyTorch's default initialisation (seed with torch.manual_seed first).</summary>
    public PaperMlp(string name, BnPlacement placement, BatchNormConfig bn) : base(name)
    {
        ArgumentNullException.ThrowIfNull(bn);
        Placement = placement;
        var hiddenBias = placement != BnPlacement.Before;
        fc1 = nn.Linear(ModelContract.PixelCount, HiddenWidth, hasBias: hiddenBias);
        fc2 = nn.Linear(HiddenWidth, HiddenWidth, hasBias: hiddenBias);
        fc3 = nn.Linear(HiddenWidth, HiddenWidth, hasBias: hiddenBias);
        fc4 = nn.Linear(HiddenWidth, ModelContract.ClassCount, hasBias: true);
        if (placement != BnPlacement.None)
        {
            bn1 = new BatchNorm1d(HiddenWidth, bn.Momentum, bn.Epsilon);
            bn2 = new BatchNorm1d(HiddenWidth, bn.Momentum, bn.Epsilon);
            bn3 = new BatchNorm1d(HiddenWidth, bn.Momentum, bn.Epsilon);
        }
        RegisterComponents();
    }

    /// <summary>Where BatchNorm sits in each hidden layer.</summary>
    public BnPlacement Placement { get; }

    /// <inheritdoc/>
    public int HiddenLayerCount => 3;

    /// <inheritdoc/>
    public long HiddenUnits(int layer) => HiddenWidth;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => Run(input, 0, null);

    /// <inheritdoc/>
    public Tensor PreActivation(Tensor input, int layer) =>
        PlacedActivation.Capture(layer, HiddenLayerCount, "the MLP", capture => Run(input, layer, capture));

    private Tensor Run(Tensor input, int probeLayer, Action<Tensor>? capture)
    {
        Action<Tensor>? At(int layer) => layer == probeLayer ? capture : null;
        var x = input.flatten(1);
        x = Hidden(fc1.call(x), bn1, At(1));
        x = Hidden(fc2.call(x), bn2, At(2));
        x = Hidden(fc3.call(x), bn3, At(3));
        return fc4.call(x);
    }

    private Tensor Hidden(Tensor x, BatchNorm? norm, Action<Tensor>? capture) =>
        PlacedActivation.Apply(x, norm, Placement, t => t.sigmoid(), capture);
}
