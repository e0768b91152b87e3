// Pairs MNIST's image and label files into train/test splits. The generic IdxReader accepts any
// unsigned-byte IDX pair; the MNIST-specific rules (equal counts, labels 0–9) are checked here.
// Loading from pipeline.yaml's data.files verifies each file's SHA-256 on the very bytes it parses
// (read once), so a file replaced after the fetcher verified it is refused, not trained on.
using MnistBn.Shared.Configuration;

namespace MnistBn.Shared.Data;

/// <summary>MNIST's two splits, read from the four IDX files named in pipeline.yaml.</summary>
/// <param name="Train">The training split (60,000 images for real MNIST).</param>
/// <param name="Test">The test split (10,000 images for real MNIST).</param>
public sealed record MnistDataset(LabeledImages Train, LabeledImages Test)
{
    /// <summary>Reads and verifies both splits from <paramref name="directory"/>.</summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="IOException">A path is a directory, FIFO, socket or device.</exception>
    /// <exception cref="InvalidDataException">
    /// A file's SHA-256 is not the one in <paramref name="files"/>, a file is malformed or over <see cref="IO.ReadLimits.IdxBytes"/>,
    /// the counts disagree, or a label is not a digit.
    /// </exception>
    public static MnistDataset Load(string directory, DataFiles files) =>
        new(LoadTrain(directory, files), LoadTest(directory, files));

    /// <summary>Reads and verifies only the training split.</summary>
    /// <inheritdoc cref="Load" path="/exception"/>
    public static LabeledImages LoadTrain(string directory, DataFiles files) =>
        LoadVerified("train", directory, files.TrainImages, files.TrainLabels);

    /// <summary>Reads and verifies only the test split (cheaper when training is not needed).</summary>
    /// <inheritdoc cref="Load" path="/exception"/>
    public static LabeledImages LoadTest(string directory, DataFiles files) =>
        LoadVerified("test", directory, files.TestImages, files.TestLabels);

    /// <summary>Reads one image file and its label file (no hash to verify) and checks they belong together.</summary>
    /// <inheritdoc cref="Load" path="/exception"/>
    public static LabeledImages LoadSplit(string imagesPath, string labelsPath) =>
        Pair(IdxReader.ReadImages(imagesPath), IdxReader.ReadLabels(labelsPath), $"images {imagesPath}");

    private static LabeledImages LoadVerified(string split, string directory, DataFile imagesFile, DataFile labelsFile)
    {
        var imagesPath = Path.Combine(directory, imagesFile.Name);
        var labelsPath = Path.Combine(directory, labelsFile.Name);
        var images = IdxReader.ParseImages(ReadVerified(imagesPath, imagesFile), imagesPath);
        var labels = IdxReader.ParseLabels(ReadVerified(labelsPath, labelsFile), labelsPath);
        return Pair(images, labels, $"{split} split, images {imagesPath}");
    }

    // One read: the array hashed here is the array parsed.
    private static byte[] ReadVerified(string path, DataFile file)
    {
        var bytes = IdxReader.ReadFile(path);
        var actual = Sha256File.Of(bytes);
        if (actual != file.Sha256)
            throw new InvalidDataException(
                $"{path}: sha256 is {actual}, but pipeline.yaml (data.files) expects {file.Sha256}; the file changed after it was " +
                "verified: fetch it again (mnistbn fetch)");
        return bytes;
    }

    private static LabeledImages Pair(IdxImages images, IdxLabels labels, string origin)
    {
        if (images.Count != labels.Count)
            throw new InvalidDataException(
                $"{images.Path} holds {images.Count} images but {labels.Path} holds {labels.Count} labels; they must match one to one");
        // A label outside 0–9 would index past the 10 logits; catch it here, with its position, rather
        // than as an opaque index error deep in training.
        var bad = Array.FindIndex(labels.Labels, label => label >= ModelContract.ClassCount);
        if (bad >= 0)
            throw new InvalidDataException(
                $"{labels.Path}: label {labels.Labels[bad]} at index {bad} is not a digit (expected 0–{ModelContract.ClassCount - 1})");
        return new LabeledImages(images.Pixels, labels.Labels, images.Count, images.Rows, images.Columns) { Origin = origin };
    }
}
