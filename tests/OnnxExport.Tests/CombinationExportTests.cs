// Supported modules in combination: a small VGG-like net that uses nearly every 2-D layer kind, an
// MLP with BatchNorm1d between its layers, and a 1-D conv net; each matches eager outputs.
using MnistBn.OnnxExport.Tests.Support;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests;

public sealed class CombinationExportTests
{
    [Theory, ExportSettings]
    public void Conv_net_using_every_2d_layer_kind_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(() => nn.Sequential(
            nn.Conv2d(3, 8, 3, Padding.Same), nn.BatchNorm2d(8), nn.ReLU6(),
            nn.AvgPool2d(3, stride: 2, padding: 1, count_include_pad: false),
            nn.Conv2d(8, 8, 3, padding: 1, groups: 4, bias: false), nn.BatchNorm2d(8), nn.Hardswish(),
            nn.Conv2d(8, 12, 1), nn.BatchNorm2d(12, affine: false), nn.SiLU(), nn.Dropout2d(0.2),
            nn.MaxPool2d(2, ceil_mode: true),
            nn.Conv2d(12, 12, 3, padding: 2, dilation: 2), nn.LeakyReLU(0.1), nn.BatchNorm2d(12), nn.ELU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.3),
            nn.Linear(12, 16), nn.BatchNorm1d(16), nn.GELU(GELU.Approximate.tanh), nn.Identity(),
            nn.Linear(16, 6), nn.Sigmoid(), nn.Linear(6, 4), nn.LogSoftmax(1))), [3, 15, 15], opset, fold);

    [Theory, ExportSettings]
    public void MLP_with_BatchNorm1d_between_layers_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(() => nn.Sequential(
            nn.Flatten(), nn.Linear(2 * 5 * 5, 32), nn.BatchNorm1d(32), nn.GELU(), nn.Dropout(0.5),
            nn.Linear(32, 16, hasBias: false), nn.BatchNorm1d(16), nn.Tanh(),
            nn.Linear(16, 5), nn.Softmax(1))), [2, 5, 5], opset, fold);

    [Theory, ExportSettings]
    public void Conv1d_net_with_BatchNorm1d_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(() => nn.Sequential(
            nn.Conv1d(2, 6, 5, padding: 2), nn.BatchNorm1d(6), nn.ELU(0.7),
            nn.Conv1d(6, 8, 3, stride: 2, groups: 2, bias: false), nn.BatchNorm1d(8), nn.LeakyReLU(),
            nn.Flatten(), nn.Linear(8 * 11, 3))), [2, 24], opset, fold);

    [Theory, ExportSettings]
    public void Residual_and_Concat_together_match_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(() => nn.Sequential(
            new MnistBn.OnnxExport.TorchSharp.Concat(
                new MnistBn.OnnxExport.TorchSharp.Residual(nn.Sequential(nn.Conv2d(3, 3, 3, padding: 1), nn.BatchNorm2d(3))),
                nn.Sequential(nn.Conv2d(3, 5, 1, bias: false), nn.BatchNorm2d(5), nn.ReLU())),
            new MnistBn.OnnxExport.TorchSharp.Residual(nn.Sequential(nn.Conv2d(8, 8, 3, padding: 1, groups: 8), nn.BatchNorm2d(8), nn.ReLU()), nn.Identity()),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 2))), [3, 6, 6], opset, fold);
}
