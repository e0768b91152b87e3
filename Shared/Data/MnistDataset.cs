// Pairs MNIST's image and label files into train/test splits. The generic IdxReader accepts any
// unsigned-byte IDX pair; the MNIST-specific rules (equal counts, labels 0–9) are checked here.
using MnistBn.Shared.Configuration;

namespace MnistBn.Shared.Data;

/// <summary>MNIST's two splits, read from the four IDX files named in pipeline.yaml.</summary>
/// <param name="Train">The training split (60,000 images for real MNIST).</param>
/// <param name="Test">The test split (10,000 images for real MNIST).</param>
public sealed record MnistDataset(LabeledImages Train, LabeledImages Test)
{
    /// <summary>Reads both splits from <paramref name="directory"/>.</summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, the counts disagree, or a label is not a digit.</exception>
    public static MnistDataset Load(string directory, DataFiles files) =>
        new(LoadTrain(directory, files), LoadTest(directory, files));

    /// <summary>Reads only the training split.</summary>
    /// <inheritdoc cref="Load" path="/exception"/>
    public static LabeledImages LoadTrain(string directory, DataFiles files) =>
        LoadSplit(Path.Combine(directory, files.TrainImages.Name), Path.Combine(directory, files.TrainLabels.Name));

    /// <summary>Reads only the test split (cheaper when training is not needed).</summary>
    /// <inheritdoc cref="Load" path="/exception"/>
    public static LabeledImages LoadTest(string directory, DataFiles files) =>
        LoadSplit(Path.Combine(directory, files.TestImages.Name), Path.Combine(directory, files.TestLabels.Name));

    /// <summary>Reads one image file and its label file and checks they belong together.</summary>
    /// <inheritdoc cref="Load" path="/exception"/>
    public static LabeledImages LoadSplit(string imagesPath, string labelsPath)
    {
        var images = IdxReader.ReadImages(imagesPath);
        var labels = IdxReader.ReadLabels(labelsPath);
        if (images.Count != labels.Count)
            throw new InvalidDataException(
                $"{imagesPath} holds {images.Count} images but {labelsPath} holds {labels.Count} labels; they must match one to one");
        // A label outside 0–9 would index past the 10 logits; catch it here, with its position, rather
        // than as an opaque index error deep in training.
        var bad = Array.FindIndex(labels.Labels, label => label >= ModelContract.ClassCount);
        if (bad >= 0)
            throw new InvalidDataException(
                $"{labelsPath}: label {labels.Labels[bad]} at index {bad} is not a digit (expected 0–{ModelContract.ClassCount - 1})");
        return new LabeledImages(images.Pixels, labels.Labels, images.Count, images.Rows, images.Columns);
    }
}
