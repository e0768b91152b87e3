// The study's LeNet with BatchNorm at a chosen place, for the experiments: None and Before compute
// exactly what LeNet computes for `nobn` and `bn` (same layers, same initialisation order, same
// state_dict keys; a test pins it), After puts BN behind each hidden ReLU (conv → ReLU → BN → pool).
// LeNet itself stays the study's model; this class adds the placement option and the pre-activation probe.
using MnistBn.Shared;
using MnistBn.Shared.Configuration;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistBn.Training.Model;

/// <summary>LeNet (conv 6 → conv 16 → FC 120 → FC 84 → FC 10, ReLU) with BatchNorm before, after or not at all.</summary>
public sealed class PlacedBnLeNet : nn.Module<Tensor, Tensor>, IPreActivationProbe
{
    private static readonly long[] Units = [6, 16, 120, 84];

#pragma warning disable IDE1006 // submodule names are the state_dict prefixes, as in LeNet
    private readonly Conv2d conv1;
    private readonly BatchNorm2d? bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d? bn2;
    private readonly Linear fc1;
    private readonly BatchNorm1d? bn3;
    private readonly Linear fc2;
    private readonly BatchNorm1d? bn4;
    private readonly Linear fc3;
#pragma warning restore IDE1006

    /// <summary>Creates the network with PyTorch's default initialisation (seed with torch.manual_seed first).</summary>
    public PlacedBnLeNet(string name, BnPlacement placement, BatchNormConfig bn) : base(name)
    {
        ArgumentNullException.ThrowIfNull(bn);
        Placement = placement;
        // A layer directly feeding BN needs no bias (β subsumes it); with BN after the ReLU it does.
        var hiddenBias = placement != BnPlacement.Before;
        conv1 = nn.Conv2d(ModelContract.Channels, 6, 3, bias: hiddenBias);
        conv2 = nn.Conv2d(6, 16, 3, bias: hiddenBias);
        fc1 = nn.Linear(LeNet.FlattenedFeatures, 120, hasBias: hiddenBias);
        fc2 = nn.Linear(120, 84, hasBias: hiddenBias);
        fc3 = nn.Linear(84, ModelContract.ClassCount, hasBias: true);
        if (placement != BnPlacement.None)
        {
            bn1 = new BatchNorm2d(6, bn.Momentum, bn.Epsilon);
            bn2 = new BatchNorm2d(16, bn.Momentum, bn.Epsilon);
            bn3 = new BatchNorm1d(120, bn.Momentum, bn.Epsilon);
            bn4 = new BatchNorm1d(84, bn.Momentum, bn.Epsilon);
        }
        RegisterComponents();
    }

    /// <summary>Where BatchNorm sits in each hidden layer.</summary>
    public BnPlacement Placement { get; }

    /// <inheritdoc/>
    public int HiddenLayerCount => Units.Length;

    /// <inheritdoc/>
    public long HiddenUnits(int layer) => Units[layer - 1];

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => Run(input, 0, null);

    /// <inheritdoc/>
    public Tensor PreActivation(Tensor input, int layer) =>
        PlacedActivation.Capture(layer, HiddenLayerCount, "LeNet", capture => Run(input, layer, capture));

    private Tensor Run(Tensor input, int probeLayer, Action<Tensor>? capture)
    {
        Action<Tensor>? At(int layer) => layer == probeLayer ? capture : null;
        var x = MaxPool2x2Function.Pool(Hidden(SingleChannelConvFunction.Call(conv1, input), bn1, At(1)));
        x = MaxPool2x2Function.Pool(Hidden(conv2.call(x), bn2, At(2)));
        x = x.flatten(1);
        x = Hidden(fc1.call(x), bn3, At(3));
        x = Hidden(fc2.call(x), bn4, At(4));
        return fc3.call(x);
    }

    private Tensor Hidden(Tensor x, BatchNorm? norm, Action<Tensor>? capture) =>
        PlacedActivation.Apply(x, norm, Placement, t => F.relu(t), capture);
}
