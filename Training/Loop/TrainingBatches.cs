// Where a step's images come from: the training images at the batch's indices, warped by the batch's
// random draws when augmentation is on. An interface, so that `bench-training --profile` can time it
// by wrapping it (Benchmarks/TimedStepParts.cs) rather than by timing inside the steps.
using MnistBn.Training.Data;
using static TorchSharp.torch;

namespace MnistBn.Training.Loop;

/// <summary>The images and labels of a batch, given its indices.</summary>
internal interface IBatchSource
{
    /// <summary>
    /// The images at <paramref name="indices"/>, warped with <paramref name="draws"/> (Augmenter.RandomDraws,
    /// float[6, N]) unless null, and their labels.
    /// </summary>
    (Tensor Images, Tensor Labels) Take(Tensor indices, Tensor? draws);
}

/// <summary>Batches of one data set, augmented by <paramref name="augmenter"/> (null: never).</summary>
/// <param name="images">All training images, [N, 1, 28, 28].</param>
/// <param name="labels">Their labels, [N].</param>
internal sealed class TrainingBatches(Tensor images, Tensor labels, Augmenter? augmenter) : IBatchSource
{
    /// <summary>Batches of <paramref name="data"/>.</summary>
    public TrainingBatches(MnistTensors data, Augmenter? augmenter) : this(data.Images, data.Labels, augmenter)
    {
    }

    /// <inheritdoc/>
    public (Tensor Images, Tensor Labels) Take(Tensor indices, Tensor? draws)
    {
        if (indices.shape[0] < 1)
            throw new ArgumentException("a batch needs at least one image", nameof(indices));
        var batch = images.index_select(0, indices);
        if (draws is not null && augmenter is not null)
            batch = Augmenter.Warp(batch, augmenter.Matrices(draws));
        return (batch, labels.index_select(0, indices));
    }
}
