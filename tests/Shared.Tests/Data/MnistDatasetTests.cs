// Pairing image and label files: counts must agree and labels must be digits; real MNIST reads with
// its canonical sizes and class counts.
using MnistBn.Shared.Data;
using MnistBn.TestSupport;

namespace MnistBn.Shared.Tests.Data;

public sealed class MnistDatasetTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Image_and_label_count_mismatch_names_both_files()
    {
        var images = _temp.Write("images", IdxBytes.Images(3, 2, 2));
        var labels = _temp.Write("labels", IdxBytes.Labels(1, 2));
        var error = Assert.Throws<InvalidDataException>(() => MnistDataset.LoadSplit(images, labels));
        Assert.Contains($"{images} holds 3 images", error.Message);
        Assert.Contains($"{labels} holds 2 labels", error.Message);
    }

    [Fact]
    public void Label_above_9_is_rejected_with_its_index()
    {
        var images = _temp.Write("images", IdxBytes.Images(3, 2, 2));
        var labels = _temp.Write("labels", IdxBytes.Labels(1, 10, 2));
        var error = Assert.Throws<InvalidDataException>(() => MnistDataset.LoadSplit(images, labels));
        Assert.Equal($"{labels}: label 10 at index 1 is not a digit (expected 0–9)", error.Message);
    }

    [Fact]
    public void Pairs_images_with_labels()
    {
        var split = MnistDataset.LoadSplit(
            _temp.Write("images", IdxBytes.Images(2, 3, 1)), _temp.Write("labels", IdxBytes.Labels(4, 5)));
        Assert.Equal((2, 3, 1), (split.Count, split.Rows, split.Columns));
        Assert.Equal([3, 4, 5], split.Image(1).ToArray());
        Assert.Equal([4, 5], split.Labels);
    }

    [Fact]
    public async Task Real_mnist_test_set_has_10000_images_with_canonical_class_counts()
    {
        var test = await MnistTestData.TestSetAsync();
        Assert.Equal((10_000, 28, 28), (test.Count, test.Rows, test.Columns));
        Assert.Equal([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009], ClassCounts(test.Labels));
    }

    [Fact]
    public async Task Real_mnist_training_set_has_60000_images_with_canonical_class_counts()
    {
        var directory = await MnistTestData.EnsureAsync();
        var train = MnistDataset.LoadTrain(directory, MnistTestData.Config.Data.Files);
        Assert.Equal((60_000, 28, 28), (train.Count, train.Rows, train.Columns));
        Assert.Equal([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949], ClassCounts(train.Labels));
    }

    private static int[] ClassCounts(byte[] labels)
    {
        var counts = new int[10];
        foreach (var label in labels)
            counts[label]++;
        return counts;
    }
}
