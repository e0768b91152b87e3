// Batch evaluation through the same ML.NET pipeline DigitClassifier uses, but as one streaming
// Transform over an IDataView of in-memory images (much faster than one PredictionEngine call each).
using MnistBn.Inference.Pipeline;
using MnistBn.Inference;
using MnistBn.Shared.Data;

namespace MnistBn.Training.OnnxEvaluation;

/// <summary>The metrics of a folder evaluation and the files it had to skip.</summary>
/// <param name="Metrics">Metrics over the readable images.</param>
/// <param name="Folder">The images that were read, with labels and paths (same order as the metrics' indices).</param>
internal sealed record FolderEvaluation(EvaluationMetrics Metrics, LabeledImageFolder Folder)
{
    /// <summary>Files that could not be evaluated.</summary>
    public IReadOnlyList<BadItem> BadItems => Folder.BadItems;
}

/// <summary>Evaluates one ONNX model on labelled images (an IDX test set or a folder). Not thread-safe.</summary>
internal sealed class ModelEvaluator : IDisposable
{
    private readonly DigitPipeline _pipeline;
    private readonly DigitPolarity _polarity;

    private ModelEvaluator(string modelPath, DigitPipeline pipeline, int? gpuDeviceId, DigitPolarity polarity, IReadOnlyList<string> classLabels)
    {
        ClassLabels = classLabels;
        ModelPath = modelPath;
        _pipeline = pipeline;
        GpuDeviceId = gpuDeviceId;
        _polarity = polarity;
    }

    /// <summary>The model file, as a full path.</summary>
    public string ModelPath { get; }

    /// <summary>The CUDA device the model runs on, or null for the CPU.</summary>
    public int? GpuDeviceId { get; }

    /// <summary>The model's class labels in output order (its metadata's, or the digits).</summary>
    public IReadOnlyList<string> ClassLabels { get; }

    /// <summary>Checks the model and builds the pipeline (device, and the image folders' polarity, from <paramref name="options"/>).</summary>
    /// <inheritdoc cref="DigitClassifier.Create" path="/exception"/>
    public static ModelEvaluator Create(string modelPath, DigitClassifierOptions? options = null)
    {
        options ??= new DigitClassifierOptions();
        var model = CheckedModel.Open(modelPath, options);
        // The IDX test set is MNIST's own light-on-dark digits; folder images are turned round per picture.
        return new ModelEvaluator(model.FullPath, DigitPipeline.Create(model.FullPath, model.GpuDeviceId, invert: false),
            model.GpuDeviceId, options.Polarity, model.ClassLabels);
    }

    /// <summary>Scores every image of <paramref name="data"/> (any image size; resized by the pipeline).</summary>
    public ScoredBatch Score(LabeledImages data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return _pipeline.Score(Rows(data), data.Count);
    }

    /// <summary>Scores decoded images of any size.</summary>
    public ScoredBatch Score(IReadOnlyList<GrayImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return _pipeline.Score(images);
    }

    /// <summary>Accuracy, loss, confusion matrix, per-class precision/recall and misclassified examples on <paramref name="data"/>.</summary>
    public EvaluationMetrics Evaluate(LabeledImages data) => EvaluationMetrics.Compute(data.Labels, Score(data));

    /// <summary>Evaluates the images under <c>&lt;folder&gt;/&lt;digit&gt;/</c>; unreadable files are reported and skipped.</summary>
    /// <inheritdoc cref="LabeledImageFolder.Read" path="/exception"/>
    public FolderEvaluation EvaluateFolder(string folder)
    {
        var images = LabeledImageFolder.Read(folder, ClassLabels, ImageDecoder.Background(_polarity));
        var lightOnDark = images.Images.Select(image => new GrayImage(image.Width, image.Height, PictureReading.Of(image, _polarity).Pixels)).ToList();
        var metrics = EvaluationMetrics.Compute(images.Labels, Score(lightOnDark), images.Paths);
        return new FolderEvaluation(metrics, images);
    }

    // Lazily, one fresh MLImage per row: the image transforms dispose what they consume, and the
    // whole set never sits in memory as Skia bitmaps at once.
    private static IEnumerable<DigitImageInput> Rows(LabeledImages data)
    {
        for (var i = 0; i < data.Count; i++)
        {
            var pixels = data.Pixels.AsSpan(i * data.PixelsPerImage, data.PixelsPerImage);
            yield return new DigitImageInput { Image = GrayImage.ToMLImage(pixels, data.Columns, data.Rows) };
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _pipeline.Dispose();
}
