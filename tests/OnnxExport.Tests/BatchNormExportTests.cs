// BatchNorm1d/2d with trained-looking statistics (random running mean/variance, γ, β), affine or not,
// after a conv, after a linear layer, on the raw input and with statistics from real training-mode
// forwards: folded or kept as nodes, the model reproduces eager eval-mode outputs.
using MnistBn.OnnxExport.Tests.Support;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests;

public sealed class BatchNormExportTests
{
    [Theory, ExportSettings]
    public void BatchNorm2d_with_trained_statistics_after_conv_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(() => nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))), [3, 10, 10], opset, fold);

    [Theory, ExportSettings]
    public void BatchNorm2d_without_affine_after_conv_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(() => nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8, affine: false))), [3, 10, 10], opset, fold);

    [Theory, ExportSettings]
    public void BatchNorm2d_with_large_epsilon_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(() => nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4, eps: 1e-1))), [3, 8, 8], opset, fold);

    [Theory, ExportSettings]
    public void BatchNorm2d_alone_on_the_input_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(() => nn.BatchNorm2d(3)), [3, 6, 6], opset, fold);

    [Theory, ExportSettings]
    public void BatchNorm1d_with_trained_statistics_after_linear_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(() => nn.Sequential(nn.Linear(10, 6), nn.BatchNorm1d(6))), [10], opset, fold);

    [Theory, ExportSettings]
    public void BatchNorm1d_without_affine_after_linear_without_bias_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(() => nn.Sequential(nn.Linear(10, 6, hasBias: false), nn.BatchNorm1d(6, affine: false))), [10], opset, fold);

    [Theory, ExportSettings]
    public void BatchNorm1d_over_a_sequence_after_conv1d_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(() => nn.Sequential(nn.Conv1d(3, 5, 3), nn.BatchNorm1d(5))), [3, 16], opset, fold);

    [Theory, ExportSettings]
    public void BatchNorm_with_statistics_from_training_mode_forwards_matches_eager_within_1e5(int opset, bool fold)
    {
        var model = TrainedBatchNorm.WarmUp(Seeded.Eval(() => nn.Sequential(
            nn.Conv2d(3, 6, 3), nn.BatchNorm2d(6), nn.ReLU(), nn.Flatten(), nn.Linear(6 * 8 * 8, 5), nn.BatchNorm1d(5))), [3, 10, 10]);
        EagerVsOnnx.AssertMatches(model, [3, 10, 10], opset, fold);
    }
}
