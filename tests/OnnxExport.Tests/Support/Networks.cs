// The composite networks several test files share: a two-block residual net with BatchNorm, a concat
// net, and the issue's model (conv blocks, global pooling, classifier).
using MnistBn.OnnxExport.TorchSharp;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests.Support;

internal static class Networks
{
    /// <summary>
    /// Stem conv → BN → ReLU, then two residual blocks (Conv → BN → ReLU → Conv → BN, + shortcut, then
    /// ReLU); the second block widens 8 → 16 channels with stride 2 and a 1x1-conv + BN shortcut. Input [3, 12, 12].
    /// </summary>
    public static nn.Module<Tensor, Tensor> ResidualNet() => nn.Sequential(
        ("stem", nn.Sequential(nn.Conv2d(3, 8, 3, padding: 1, bias: false), nn.BatchNorm2d(8), nn.ReLU())),
        ("block1", new Residual(Body(8, 8, stride: 1), name: "block1")),
        ("relu1", nn.ReLU()),
        ("block2", new Residual(Body(8, 16, stride: 2), nn.Sequential(nn.Conv2d(8, 16, 1, stride: 2, bias: false), nn.BatchNorm2d(16)), "block2")),
        ("relu2", nn.ReLU()),
        ("pool", nn.AdaptiveAvgPool2d(1)),
        ("flatten", nn.Flatten()),
        ("fc", nn.Linear(16, 10)));

    public static readonly long[] ResidualNetInput = [3, 12, 12];

    /// <summary>Conv → BN → ReLU → Conv → BN, the body of a basic residual block.</summary>
    public static nn.Module<Tensor, Tensor> Body(long inChannels, long outChannels, long stride) => nn.Sequential(
        nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false), nn.BatchNorm2d(outChannels), nn.ReLU(),
        nn.Conv2d(outChannels, outChannels, 3, padding: 1, bias: false), nn.BatchNorm2d(outChannels));

    /// <summary>Two conv branches (3x3 and 1x1, each with BN and ReLU) joined on channels, then conv → BN → ReLU → pool → classifier. Input [3, 10, 10].</summary>
    public static nn.Module<Tensor, Tensor> ConcatNet() => nn.Sequential(
        ("branches", new Concat(
            nn.Sequential(nn.Conv2d(3, 6, 3, padding: 1), nn.BatchNorm2d(6), nn.ReLU()),
            nn.Sequential(nn.Conv2d(3, 4, 1), nn.BatchNorm2d(4), nn.ReLU()))),
        ("conv", nn.Conv2d(10, 8, 3)),
        ("bn", nn.BatchNorm2d(8)),
        ("relu", nn.ReLU()),
        ("pool", nn.MaxPool2d(2)),
        ("flatten", nn.Flatten()),
        ("fc", nn.Linear(8 * 4 * 4, 5)));

    public static readonly long[] ConcatNetInput = [3, 10, 10];

    /// <summary>The issue's model: (Conv2d → BatchNorm2d → ReLU → MaxPool2d) twice, AdaptiveAvgPool2d(1) → Flatten → Dropout → Linear. Input [1, 28, 28].</summary>
    public static nn.Module<Tensor, Tensor> IssueModel() => nn.Sequential(
        nn.Conv2d(1, 16, 3, padding: 1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding: 1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.25), nn.Linear(32, 10));

    public static readonly long[] IssueModelInput = [1, 28, 28];
}
