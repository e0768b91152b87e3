// On-the-fly random affine augmentation of a whole batch at once, as in the reference study
// (Keras ImageDataGenerator: rotation, shear, zoom, shift). One 2×3 matrix per image is built from
// uniform draws, then affine_grid + grid_sample resample the batch in native code — no per-pixel
// managed loops. The matrix maps output coordinates to input coordinates in the normalised [-1, 1]
// frame (square images, so rotation stays a rotation); empty area is filled with 0 (background).
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
        var n = batch.shape[0];
        var theta = RandomMatrices(n, generator);
        var grid = F.affine_grid(theta, batch.shape, align_corners: false);
        return F.grid_sample(batch, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
    }

    /// <summary>float[N, 2, 3]: A = Rotation(α)·Shear(s)·Zoom(zx, zy), translation (tx, ty).</summary>
    public Tensor RandomMatrices(long n, Generator generator)
    {
        // Six draws per image in one call: α, s, zx, zy, tx, ty, each uniform in [-1, 1].
        var u = rand([6, n], generator: generator).mul_(2).sub_(1);
        var angle = u[0] * (_config.RotationDegrees * Math.PI / 180);
        var shear = u[1] * (_config.ShearDegrees * Math.PI / 180);
        var zoomX = u[2] * _config.Zoom + 1;
        var zoomY = u[3] * _config.Zoom + 1;
        var shiftX = u[4] * (2 * _config.Shift); // a fraction of the width is twice that in [-1, 1]
        var shiftY = u[5] * (2 * _config.Shift);
        // Rotation(α)·Shear(s) with Shear = [[1, −sin s], [0, cos s]] is [[cos α, −sin(α+s)], [sin α, cos(α+s)]].
        var sheared = angle + shear;
        return stack(
            [angle.cos() * zoomX, -sheared.sin() * zoomY, shiftX,
             angle.sin() * zoomX, sheared.cos() * zoomY, shiftY], 1).view(n, 2, 3);
    }
}
