// A folder of labelled image files, laid out as <root>/<digit>/<any name> (the ImageFolder layout of
// torchvision and ML.NET's samples): the label is the name of the top-level folder, 0–9. Files that
// cannot be used are reported, not fatal, so one bad file does not stop an evaluation. Each real file
// is scored once however many names (links, link loops) reach it; see FolderFiles.
using MnistBn.Inference;
using MnistBn.Shared;
using MnistBn.Shared.IO;

namespace MnistBn.Training.OnnxEvaluation;

/// <summary>A file that could not be evaluated, and why.</summary>
/// <param name="Path">The file.</param>
/// <param name="Problem">What is wrong with it; the message names the file.</param>
internal sealed record BadItem(string Path, string Problem);

/// <summary>The readable images of a folder with their labels, and the files that were not usable.</summary>
/// <param name="Images">Decoded images.</param>
/// <param name="Labels">One label per image.</param>
/// <param name="Paths">One file path per image.</param>
/// <param name="BadItems">Files that were skipped, with the reason.</param>
internal sealed record LabeledImageFolder(
    IReadOnlyList<GrayImage> Images, byte[] Labels, IReadOnlyList<string> Paths, IReadOnlyList<BadItem> BadItems)
{
    /// <summary>Reads every file under <c>&lt;root&gt;/&lt;digit&gt;/</c> (sub-folders included), in ordinal path order.</summary>
    /// <param name="root">The folder.</param>
    /// <param name="background">Gray value transparent pixels are composited over; null picks it per picture (white under dark strokes).</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist (or is a file).</exception>
    /// <exception cref="FileNotFoundException">The folder holds no files.</exception>
    /// <exception cref="InvalidDataException">No file in the folder is a usable, labelled image.</exception>
    /// <param name="classLabels">The model's class labels: the folder names, in class order.</param>
    public static LabeledImageFolder Read(string root, IReadOnlyList<string> classLabels, byte? background = null)
    {
        var full = Path.GetFullPath(root);
        if (File.Exists(full))
            throw new DirectoryNotFoundException($"{full}: is a file, not an image folder (expected <folder>/<digit>/<image file>)");
        if (!Directory.Exists(full))
            throw new DirectoryNotFoundException($"image folder not found: {full}");
        var images = new List<GrayImage>();
        var labels = new List<byte>();
        var paths = new List<string>();
        var listing = FolderFiles.List(full);
        var bad = new List<BadItem>(listing.Unlistable);
        foreach (var second in listing.SecondNames)
        {
            // A second name is the same picture (or folder of pictures), scored once under the first. Two
            // different class folders naming it is a mistake in the folder; a link loop (to the folder
            // itself, a parent, the root) is not: it only names what was already read.
            var label = LabelOf(full, second.Path, classLabels, second.IsFolder);
            var firstLabel = LabelOf(full, second.FirstPath, classLabels, second.IsFolder);
            if (label is not null && firstLabel is not null && label != firstLabel)
                bad.Add(new BadItem(second.Path, $"{second.Path}: the same file or folder as {second.FirstPath}, which is labelled " +
                    $"'{classLabels[firstLabel.Value]}'; one picture cannot have two labels (scored once, as the first)"));
        }
        foreach (var file in listing.Files.Select(f => f.Path))
        {
            var label = LabelOf(full, file, classLabels);
            if (label is null)
            {
                bad.Add(new BadItem(file, $"{file}: no label: not inside a folder named after a class ({string.Join(", ", classLabels)}) directly under {full}"));
                continue;
            }
            try
            {
                // Bounded, and never a FIFO or device: either would hang or fill memory, not fail.
                images.Add(ImageDecoder.Decode(BoundedFile.ReadAllBytes(file, ReadLimits.ImageBytes, "an image"), file, background));
                labels.Add(label.Value);
                paths.Add(file);
            }
            catch (Exception error) when (error is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                bad.Add(new BadItem(file, error.Message));
            }
        }
        if (images.Count == 0 && bad.Count == 0)
            throw new FileNotFoundException($"{full}: the folder holds no files; expected <folder>/<digit>/<image file>");
        if (images.Count == 0)
            throw new InvalidDataException(
                $"{full}: none of its {bad.Count} files is a usable image:{string.Concat(bad.Take(5).Select(b => $"\n  {b.Problem}"))}" +
                (bad.Count > 5 ? $"\n  … and {bad.Count - 5} more" : ""));
        return new LabeledImageFolder(images, [.. labels], paths, bad);
    }

    // A file's label is its top-level folder under the root; a folder's is the same for the files in it.
    private static byte? LabelOf(string root, string path, IReadOnlyList<string> classLabels, bool isFolder = false)
    {
        var relative = Path.GetRelativePath(root, isFolder ? Path.Combine(path, "file") : path);
        var first = relative.Split(Path.DirectorySeparatorChar)[0];
        if (first == relative || first == "..")
            return null; // directly in the root (or the root itself, or above it)
        var index = classLabels.ToList().IndexOf(first);
        return index < 0 ? null : (byte)index;
    }
}
