// LeNet as the study describes it, input float[N, 1, 28, 28] scaled by ModelContract, output LOGITS:
// conv3×3 6 (26×26) → [BN] → ReLU → maxpool 2 (13×13) → conv3×3 16 (11×11) → [BN] → ReLU → maxpool 2
// (5×5) → flatten (C,H,W order, 400) → FC 120 → [BN] → ReLU → FC 84 → [BN] → ReLU → FC 10.
// In the `bn` variant a layer that feeds a BatchNorm has no bias: BN's shift β subsumes it.
// state_dict keys: conv1.weight, bn1.weight/bias/running_mean/running_var/num_batches_tracked, … fc3.bias.
using MnistBn.Shared;
using MnistBn.Shared.Configuration;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistBn.Training.Model;

/// <summary>The two model variants of the study.</summary>
public static class ModelVariants
{
    /// <summary>BatchNorm before every hidden ReLU.</summary>
    public const string BatchNorm = VariantNames.BatchNorm;

    /// <summary>No BatchNorm, biases everywhere.</summary>
    public const string Plain = VariantNames.NoBatchNorm;

    /// <summary>Whether the named variant uses BatchNorm; throws <see cref="ConfigException"/> for an unknown name.</summary>
    public static bool UsesBatchNorm(string variant) => variant switch
    {
        BatchNorm => true,
        Plain => false,
        _ => throw new ConfigException($"unknown model variant '{variant}' (expected '{BatchNorm}' or '{Plain}')"),
    };
}

/// <summary>LeNet with or without the hand-written BatchNorm; returns logits.</summary>
public sealed class LeNet : nn.Module<Tensor, Tensor>
{
    /// <summary>Features after pool2, flattened in (C, H, W) order: 16·5·5.</summary>
    public const int FlattenedFeatures = 16 * 5 * 5;

    // Field names are the submodule names (and state_dict prefixes); RegisterComponents skips nulls.
#pragma warning disable IDE1006
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
    public LeNet(string name, bool batchNorm, BatchNormConfig bn) : base(name)
    {
        ArgumentNullException.ThrowIfNull(bn);
        HasBatchNorm = batchNorm;
        var hiddenBias = !batchNorm;
        conv1 = nn.Conv2d(ModelContract.Channels, 6, 3, bias: hiddenBias);
        conv2 = nn.Conv2d(6, 16, 3, bias: hiddenBias);
        fc1 = nn.Linear(FlattenedFeatures, 120, hasBias: hiddenBias);
        fc2 = nn.Linear(120, 84, hasBias: hiddenBias);
        fc3 = nn.Linear(84, ModelContract.ClassCount, hasBias: true);
        if (batchNorm)
        {
            bn1 = new BatchNorm2d(6, bn.Momentum, bn.Epsilon);
            bn2 = new BatchNorm2d(16, bn.Momentum, bn.Epsilon);
            bn3 = new BatchNorm1d(120, bn.Momentum, bn.Epsilon);
            bn4 = new BatchNorm1d(84, bn.Momentum, bn.Epsilon);
        }
        RegisterComponents();
    }

    /// <summary>Whether BatchNorm layers are present.</summary>
    public bool HasBatchNorm { get; }

    /// <summary><c>bn</c> or <c>nobn</c>.</summary>
    public string Variant => HasBatchNorm ? ModelVariants.BatchNorm : ModelVariants.Plain;

    /// <summary>The BatchNorm layers in network order (empty for <c>nobn</c>).</summary>
    public IReadOnlyList<BatchNorm> BatchNorms => HasBatchNorm ? [bn1!, bn2!, bn3!, bn4!] : [];

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        // ReLU and max-pooling commute (both monotone), so pooling first gives the same values as the
        // study's BN → ReLU → pool with a quarter of the ReLU work; the ONNX export keeps ReLU → pool.
        // conv1, BN → pool → ReLU on the conv maps (one fused node in training) and BN on the FC
        // features run on C# kernels (Model/Kernels); see README, "Speed".
        var x = NormalizePoolRelu(SingleChannelConvFunction.Call(conv1, input), bn1);
        x = NormalizePoolRelu(Conv3x3Function.Call(conv2, x), bn2);
        x = x.flatten(1);
        x = F.relu(Normalize(fc1.call(x), bn3));
        x = F.relu(Normalize(fc2.call(x), bn4));
        return fc3.call(x);
    }

    private static Tensor Normalize(Tensor x, BatchNorm? norm) => norm is null ? x : norm.call(x);

    private static Tensor NormalizePoolRelu(Tensor x, BatchNorm2d? norm) =>
        norm is null ? MaxPool2x2Function.PoolRelu(x) : norm.NormalizePoolRelu(x);
}
