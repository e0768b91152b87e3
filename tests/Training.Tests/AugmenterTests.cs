// Pins the batch augmentation: off means untouched, zero ranges mean identity, draws stay within the
// configured ranges, the same generator seed gives the same batch, and the hand-built sampling grid is
// LibTorch's affine_grid.
using MnistBn.Shared.Configuration;
using MnistBn.Training.Data;
using static TorchSharp.torch;

namespace MnistBn.Training.Tests;

public sealed class AugmenterTests
{
    private static readonly AugmentationConfig Study = new(true, 8, 0.3, 0.08, 0.08);

    [Fact]
    public void Disabled_augmentation_returns_the_batch_unchanged()
    {
        using var scope = NewDisposeScope();
        var batch = rand(4, 1, 28, 28);
        using var generator = new Generator(1);
        Assert.Same(batch, new Augmenter(Study with { Enabled = false }).Apply(batch, generator));
    }

    [Theory]
    [InlineData(28, 28)]
    [InlineData(5, 9)]
    public void Sampling_grid_equals_affine_grid(int height, int width)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var theta = new Augmenter(Study).RandomMatrices(6, generator);
        var expected = nn.functional.affine_grid(theta, [6, 1, height, width], align_corners: false);
        var grid = Augmenter.SamplingGrid(theta, height, width);
        Assert.Equal(expected.shape, grid.shape);
        Assert.True((grid - expected).abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public void Augmented_batch_equals_grid_sample_on_affine_grid()
    {
        using var scope = NewDisposeScope();
        var batch = rand(5, 1, 28, 28);
        var augmenter = new Augmenter(Study);
        using var drawTheta = new Generator(4);
        var theta = augmenter.RandomMatrices(5, drawTheta);
        var expected = nn.functional.grid_sample(batch, nn.functional.affine_grid(theta, batch.shape, align_corners: false),
            GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
        using var drawAgain = new Generator(4);
        var output = augmenter.Apply(batch, drawAgain);
        Assert.True((output - expected).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void Zero_ranges_reproduce_the_input()
    {
        using var scope = NewDisposeScope();
        var batch = rand(4, 1, 28, 28);
        using var generator = new Generator(1);
        var output = new Augmenter(new AugmentationConfig(true, 0, 0, 0, 0)).Apply(batch, generator);
        Assert.True((output - batch).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void Matrices_of_a_slice_of_the_draws_are_that_slice_of_the_matrices()
    {
        using var scope = NewDisposeScope();
        var augmenter = new Augmenter(Study);
        var draws = Augmenter.RandomDraws(10, new Generator(3));
        var whole = augmenter.Matrices(draws);
        Assert.True(augmenter.Matrices(draws.narrow(1, 6, 4)).eq(whole.narrow(0, 6, 4)).all().item<bool>());
        Assert.True(augmenter.RandomMatrices(10, new Generator(3)).eq(whole).all().item<bool>());
    }

    [Fact]
    public void Matrices_stay_within_the_configured_ranges()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(2);
        var theta = new Augmenter(Study).RandomMatrices(4096, generator);
        var shifts = theta[.., .., 2].abs().max().item<float>();
        Assert.InRange(shifts, 0.1f, 2 * 0.08f + 1e-6f);
        // |column 1| = zoom x, so it lies in [0.92, 1.08].
        var zoomX = theta[.., .., 0].pow(2).sum(1).sqrt();
        Assert.InRange(zoomX.min().item<float>(), 0.92f - 1e-5f, 0.93f);
        Assert.InRange(zoomX.max().item<float>(), 1.07f, 1.08f + 1e-5f);
        // The rotation angle of column 1 is within ±8°.
        var angle = atan2(theta[.., 1, 0], theta[.., 0, 0]).abs().max().item<float>();
        Assert.InRange(angle, 7.5 * Math.PI / 180, 8 * Math.PI / 180 + 1e-5);
    }

    [Fact]
    public void Same_seed_gives_the_same_augmented_batch_and_it_differs_from_the_input()
    {
        using var scope = NewDisposeScope();
        var batch = rand(8, 1, 28, 28);
        var augmenter = new Augmenter(Study);
        using var first = new Generator(3);
        using var second = new Generator(3);
        var a = augmenter.Apply(batch, first);
        var b = augmenter.Apply(batch, second);
        Assert.Equal(batch.shape, a.shape);
        Assert.Equal(0f, (a - b).abs().max().item<float>());
        Assert.True((a - batch).abs().max().item<float>() > 0.05);
    }
}
