// One split of MNIST as two tensors, built once: images float[N, 1, 28, 28] scaled exactly as the
// model contract says, labels int64[N]. Batches are gathered from these without touching managed
// memory again.
using MnistBn.Shared;
using MnistBn.Shared.Data;
using static TorchSharp.torch;

namespace MnistBn.Training.Data;

/// <summary>Images and labels of one split as tensors (disposing frees them).</summary>
public sealed class MnistTensors : IDisposable
{
    private MnistTensors(Tensor images, Tensor labels)
    {
        Images = images;
        Labels = labels;
    }

    /// <summary>float[N, 1, 28, 28], scaled by <see cref="ModelContract"/>.</summary>
    public Tensor Images { get; }

    /// <summary>int64[N], digits 0–9.</summary>
    public Tensor Labels { get; }

    /// <summary>Number of images.</summary>
    public long Count => Labels.shape[0];

    /// <summary>The first <paramref name="subset"/> images (0 = all) as tensors.</summary>
    public static MnistTensors From(LabeledImages split, int subset)
    {
        ArgumentNullException.ThrowIfNull(split);
        if (split.Rows != ModelContract.Height || split.Columns != ModelContract.Width)
            throw new InvalidDataException(
                $"{split.Origin ?? "images in memory"}: the images are {split.Rows}×{split.Columns} pixels, but the model needs " +
                $"{ModelContract.Height}×{ModelContract.Width} (MNIST's size)");
        var count = subset > 0 ? Math.Min(subset, split.Count) : split.Count;
        using var scope = NewDisposeScope();
        var pixels = tensor(split.Pixels.AsSpan(0, count * ModelContract.PixelCount).ToArray(), ModelContract.InputShape(count));
        var images = pixels.to_type(ScalarType.Float32).sub_(ModelContract.PixelOffset).mul_(ModelContract.PixelScale).contiguous();
        var labels = tensor(split.Labels.AsSpan(0, count).ToArray(), [count]).to_type(ScalarType.Int64);
        return new MnistTensors(images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
