// evaluate --images-dir scores each real file once and never blocks: a link loop inside a label
// folder adds nothing, a label folder or a file that is a link counts (wherever it points), one
// picture under two labels is reported, and a FIFO or /dev/zero among the images is a bad item
// (named, with the limit) while the rest is evaluated.
using MnistBn.Shared;
using MnistBn.Shared.IO;
using MnistBn.TestSupport;
using MnistBn.Training.OnnxEvaluation;

namespace MnistBn.Training.Tests.OnnxEvaluation;

public sealed class ImageFolderFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Root => _temp.Path;

    private string Picture(string relative, int seed = 1)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var pixels = new byte[ModelContract.PixelCount];
        for (var i = 0; i < pixels.Length; i++)
            pixels[i] = (byte)(i % 28 is > 10 and < 18 ? 255 - seed : 0); // a vertical bar: a "1"
        File.WriteAllBytes(path, TestImages.GrayPng(pixels));
        return path;
    }

    private LabeledImageFolder Read() =>
        SpecialFiles.WithinDeadline(() => LabeledImageFolder.Read(Root, ModelContract.ClassLabels));

    [Fact]
    public void Symlink_loop_inside_a_label_folder_counts_the_image_once()
    {
        Picture("3/a.png");
        Directory.CreateSymbolicLink(Path.Combine(Root, "3", "loop"), Path.Combine(Root, "3"));
        Directory.CreateSymbolicLink(Path.Combine(Root, "3", "up"), "..");

        var folder = Read();

        Assert.Equal([Path.Combine(Root, "3", "a.png")], folder.Paths);
        Assert.Empty(folder.BadItems);
    }

    [Fact]
    public void Label_folder_that_is_a_link_to_a_folder_outside_counts()
    {
        using var outside = new TempDirectory();
        File.Copy(Picture("1/a.png"), Path.Combine(outside.Path, "b.png"));
        Directory.CreateSymbolicLink(Path.Combine(Root, "7"), outside.Path);

        var folder = Read();

        Assert.Equal([Path.Combine(Root, "1", "a.png"), Path.Combine(Root, "7", "b.png")], folder.Paths);
        Assert.Equal([1, 7], folder.Labels);
    }

    [Fact]
    public void Linked_file_outside_the_folder_counts()
    {
        using var outside = new TempDirectory();
        var pool = Path.Combine(outside.Path, "pool.png");
        File.Copy(Picture("1/a.png"), pool);
        File.Delete(Path.Combine(Root, "1", "a.png"));
        File.CreateSymbolicLink(Path.Combine(Root, "1", "linked.png"), pool);

        var folder = Read();

        Assert.Equal([Path.Combine(Root, "1", "linked.png")], folder.Paths);
        Assert.Empty(folder.BadItems);
    }

    [Fact]
    public void Linked_file_counts_once_under_the_first_name_when_both_names_agree_on_the_label()
    {
        var original = Picture("5/a.png");
        File.CreateSymbolicLink(Path.Combine(Root, "5", "b.png"), original);

        var folder = Read();

        Assert.Equal([original], folder.Paths);
        Assert.Empty(folder.BadItems);
    }

    [Fact]
    public void One_picture_under_two_labels_is_scored_once_and_the_second_label_reported()
    {
        var original = Picture("5/a.png");
        var link = Path.Combine(Directory.CreateDirectory(Path.Combine(Root, "6")).FullName, "a.png");
        File.CreateSymbolicLink(link, original);

        var folder = Read();

        Assert.Equal([original], folder.Paths);
        var bad = Assert.Single(folder.BadItems);
        Assert.Equal(link, bad.Path);
        Assert.Contains($"the same file or folder as {original}, which is labelled '5'", bad.Problem);
    }

    [Fact]
    public void Two_label_folders_linking_one_folder_score_its_pictures_once_and_report_the_second_label()
    {
        using var outside = new TempDirectory();
        File.Copy(Picture("0/a.png"), Path.Combine(outside.Path, "b.png"));
        File.Delete(Path.Combine(Root, "0", "a.png"));
        Directory.CreateSymbolicLink(Path.Combine(Root, "1"), outside.Path);
        Directory.CreateSymbolicLink(Path.Combine(Root, "7"), outside.Path);

        var folder = Read();

        Assert.Equal([Path.Combine(Root, "1", "b.png")], folder.Paths);
        var bad = Assert.Single(folder.BadItems);
        Assert.Equal(Path.Combine(Root, "7"), bad.Path);
        Assert.Contains("which is labelled '1'", bad.Problem);
    }

    [Fact]
    public void Fifo_among_the_images_is_a_bad_item_and_never_blocks()
    {
        Picture("1/a.png");
        var fifo = SpecialFiles.MakeFifo(Path.Combine(Root, "1", "b.png"));

        var folder = Read();

        Assert.Single(folder.Paths);
        var bad = Assert.Single(folder.BadItems);
        Assert.StartsWith($"{fifo}: is a FIFO (named pipe), not an image", bad.Problem);
    }

    [Fact]
    public void Dev_zero_among_the_images_is_a_bad_item_naming_the_limit()
    {
        Picture("1/a.png");
        var zero = Path.Combine(Root, "1", "zero.png");
        File.CreateSymbolicLink(zero, "/dev/zero");

        var folder = Read();

        Assert.Single(folder.Paths);
        var bad = Assert.Single(folder.BadItems);
        Assert.StartsWith($"{zero}: is a character device, not an image", bad.Problem);
        Assert.Contains($"{ReadLimits.ImageBytes:N0} bytes (64 MiB)", bad.Problem);
    }

    [Fact]
    public void Oversize_image_is_a_bad_item_naming_file_and_limit()
    {
        Picture("1/a.png");
        var huge = Path.Combine(Root, "1", "huge.png");
        using (var file = File.Create(huge))
            file.SetLength(ReadLimits.ImageBytes + 1);

        var folder = Read();

        var bad = Assert.Single(folder.BadItems);
        Assert.Equal($"{huge}: 67,108,865 bytes, more than the limit of 67,108,864 bytes (64 MiB) for an image; refusing to read it", bad.Problem);
    }
}
