// On-the-fly random affine augmentation of a whole batch at once, as in the reference study
// (Keras ImageDataGenerator: rotation, shear, zoom, shift). One 2×3 matrix per image is built from
// uniform draws, then grid_sample resamples the batch in native code — no per-pixel managed loops.
// The matrix maps output coordinates to input coordinates in the normalised [-1, 1] frame (square
// images, so rotation stays a rotation); empty area is filled with 0 (background).
// The sampling grid is built here rather than by affine_grid, whose CPU version multiplies the
// batch's tiny [784×3]·[3×2] matrices one by one; one [2N × 3]·[3 × H·W] product gives the same grid.
using MnistBn.Shared.Configuration;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistBn.Training.Data;

/// <summary>Random rotation, shear, zoom and shift of image batches float[N, C, H, W].</summary>
public sealed class Augmenter
{
    private readonly AugmentationConfig _config;

    /// <summary>Uses the ranges from pipeline.yaml's <c>training.augmentation</c>.</summary>
    public Augmenter(AugmentationConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
    }

    /// <summary>Whether <see cref="Apply"/> changes anything.</summary>
    public bool Enabled => _config.Enabled;

    /// <summary>A randomly transformed copy of <paramref name="batch"/> (the batch itself when disabled).</summary>
    public Tensor Apply(Tensor batch, Generator generator)
    {
        if (!_config.Enabled)
            return batch;
        return Warp(batch, RandomMatrices(batch.shape[0], generator));
    }

    /// <summary>
    /// <paramref name="batch"/> resampled through the matrices <paramref name="theta"/> float[N, 2, 3] (one per
    /// image, from <see cref="RandomMatrices"/> or <see cref="Matrices"/>): the second half of <see cref="Apply"/>,
    /// for a batch whose random draws are made once and whose parts are warped on different threads.
    /// </summary>
    public static Tensor Warp(Tensor batch, Tensor theta)
    {
        var grid = SamplingGrid(theta, batch.shape[2], batch.shape[3]);
        return F.grid_sample(batch, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
    }

    /// <summary>
    /// What affine_grid(theta, [N, C, H, W], align_corners: false) returns: float[N, H, W, 2], for each
    /// output pixel the input position θ·(x, y, 1) it samples, with pixel centres at x = (2j + 1)/W − 1.
    /// </summary>
    public static Tensor SamplingGrid(Tensor theta, long height, long width)
    {
        var n = theta.shape[0];
        var xs = PixelCentres(width).view(1, width).expand(height, width).reshape(-1);
        var ys = PixelCentres(height).view(height, 1).expand(height, width).reshape(-1);
        var pixels = stack([xs, ys, ones(height * width)], 0);   // [3, H·W]: (x, y, 1) per pixel
        // One [2N × 3]·[3 × H·W] product gives [N, 2, H, W]; grid_sample takes the permuted view as is.
        return theta.reshape(2 * n, 3).mm(pixels).view(n, 2, height, width).permute(0, 2, 3, 1);
    }

    /// <summary>Pixel centres of a side of <paramref name="size"/> pixels in the [-1, 1] frame: (2j + 1)/size − 1.</summary>
    private static Tensor PixelCentres(long size) =>
        arange(size, dtype: ScalarType.Float32).mul_(2).add_(1).div_(size).sub_(1);

    /// <summary>float[N, 2, 3]: A = Rotation(α)·Shear(s)·Zoom(zx, zy), translation (tx, ty).</summary>
    public Tensor RandomMatrices(long n, Generator generator) => Matrices(RandomDraws(n, generator));

    /// <summary>
    /// All the randomness of a batch's augmentation: six draws per image in one call (α, s, zx, zy, tx, ty),
    /// float[6, N], each uniform in [-1, 1].
    /// </summary>
    public static Tensor RandomDraws(long n, Generator generator) => rand([6, n], generator: generator).mul_(2).sub_(1);

    /// <summary>
    /// float[N, 2, 3] from <see cref="RandomDraws"/>' [6, N]. Each image's matrix depends on its own draws only,
    /// so the matrices of a slice of the draws are the same as that slice of the whole batch's matrices.
    /// </summary>
    public Tensor Matrices(Tensor draws)
    {
        var n = draws.shape[1];
        var angle = draws[0] * (_config.RotationDegrees * Math.PI / 180);
        var shear = draws[1] * (_config.ShearDegrees * Math.PI / 180);
        var zoomX = draws[2] * _config.Zoom + 1;
        var zoomY = draws[3] * _config.Zoom + 1;
        var shiftX = draws[4] * (2 * _config.Shift); // a fraction of the width is twice that in [-1, 1]
        var shiftY = draws[5] * (2 * _config.Shift);
        // Rotation(α)·Shear(s) with Shear = [[1, −sin s], [0, cos s]] is [[cos α, −sin(α+s)], [sin α, cos(α+s)]].
        var sheared = angle + shear;
        return stack(
            [angle.cos() * zoomX, -sheared.sin() * zoomY, shiftX,
             angle.sin() * zoomX, sheared.cos() * zoomY, shiftY], 1).view(n, 2, 3);
    }
}
