// The one ML.NET pipeline of the project, built once per model and reused:
// image → ResizeImages(28×28) → ExtractPixels(one channel, planar, contract scaling) → ApplyOnnxModel.
// Every name, size and scale comes from ModelContract.
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.ML.Transforms.Onnx;
using MnistBn.Shared;

namespace MnistBn.Inference.Pipeline;

/// <summary>A fitted ML.NET pipeline around one ONNX model; disposing it releases the ONNX Runtime session.</summary>
internal sealed class DigitPipeline : IDisposable
{
    private const string ResizedColumn = "resized";
    private static readonly int[] InputDims = [.. ModelContract.InputShape(1).Select(d => (int)d)];

    private DigitPipeline(MLContext context, ITransformer model)
    {
        Context = context;
        Model = model;
    }

    /// <summary>The context the pipeline was built in.</summary>
    public MLContext Context { get; }

    /// <summary>The fitted transformer chain.</summary>
    public ITransformer Model { get; }

    /// <summary>
    /// Builds and fits the pipeline. The model file must already have passed <see cref="OnnxModelCheck"/>.
    /// </summary>
    /// <param name="modelPath">The ONNX file.</param>
    /// <param name="gpuDeviceId">CUDA device, or null for the CPU (see <see cref="DeviceResolver"/>).</param>
    /// <param name="invert">Dark digits on a light background: flip the pixel values inside ExtractPixels.</param>
    public static DigitPipeline Create(string modelPath, int? gpuDeviceId, bool invert)
    {
        var context = new MLContext(seed: 0);
        var estimator = Estimator(context.Transforms, modelPath, gpuDeviceId, invert, DigitImageInput.ColumnName, predictedLabels: null);
        var empty = context.Data.LoadFromEnumerable(Array.Empty<DigitImageInput>());
        return new DigitPipeline(context, estimator.Fit(empty));
    }

    /// <summary>
    /// The chain: ResizeImages(28×28) → ExtractPixels(one channel, planar, contract scaling) →
    /// ApplyOnnxModel (→ Score, PredictedClass, PredictedLabel as a key over the model's labels). Apps get it through <see cref="DigitScoringCatalog.ScoreDigits"/>.
    /// </summary>
    internal static IEstimator<ITransformer> Estimator(
        TransformsCatalog transforms, string modelPath, int? gpuDeviceId, bool invert, string imageColumn, IReadOnlyList<string>? predictedLabels)
    {
        var (offset, scale) = PixelScaling(invert);
        var estimator = transforms.ResizeImages(
                outputColumnName: ResizedColumn,
                imageWidth: ModelContract.Width,
                imageHeight: ModelContract.Height,
                inputColumnName: imageColumn,
                resizing: ImageResizingEstimator.ResizingKind.Fill)
            // Images arrive as BGRA with R = G = B = the gray value, so one channel carries it all.
            .Append(transforms.ExtractPixels(
                outputColumnName: ModelContract.InputName,
                inputColumnName: ResizedColumn,
                colorsToExtract: ImagePixelExtractingEstimator.ColorBits.Red,
                orderOfExtraction: ImagePixelExtractingEstimator.ColorsOrder.ARGB,
                interleavePixelColors: false,
                offsetImage: offset,
                scaleImage: scale,
                outputAsFloatArray: true))
            // FallbackToCpu stays false: ML.NET's fallback catches only OnnxRuntimeException and says
            // nothing; DeviceResolver has already decided the device and warned.
            .Append(transforms.ApplyOnnxModel(new OnnxOptions
            {
                OutputColumns = [ModelContract.LogitsName, ModelContract.ProbabilitiesName],
                InputColumns = [ModelContract.InputName],
                ModelFile = modelPath,
                ShapeDictionary = new Dictionary<string, int[]> { [ModelContract.InputName] = InputDims },
                GpuDeviceId = gpuDeviceId,
                FallbackToCpu = false,
                // OnnxTransformer runs one image per call: a model this small gains nothing from
                // splitting one image across threads and loses the hand-off cost on every call.
                // Parallelism comes from callers (DigitClassifier is used from many threads).
                IntraOpNumThreads = 1,
                InterOpNumThreads = 1,
            }));
        if (predictedLabels is null)
            return estimator;
        // ML.NET's shape of a multiclass scorer's output, so that MulticlassClassification.Evaluate works
        // with its defaults: Score (the probabilities, float[classes]) and PredictedLabel as a key whose
        // key values are the model's class names in class order. PredictedClass keeps the plain index.
        var labelOf = predictedLabels.Select((label, index) => new KeyValuePair<int, string>(index, label));
        var classNames = new MLContext().Data.LoadFromEnumerable(predictedLabels.Select(label => new ClassName { Name = label }));
        return estimator
            .Append(transforms.CopyColumns(DigitColumns.Score, ModelContract.ProbabilitiesName))
            .Append(transforms.CustomMapping<ScoreRow, PredictedClassRow>(PredictedClassMapping.Map, PredictedClassMapping.ContractName))
            .Append(transforms.Conversion.MapValue(PredictedNameColumn, labelOf, DigitColumns.PredictedClass))
            .Append(transforms.Conversion.MapValueToKey(DigitColumns.PredictedLabel, PredictedNameColumn, keyData: classNames))
            .Append(transforms.DropColumns(ResizedColumn, ModelContract.InputName, ModelContract.ProbabilitiesName, PredictedNameColumn));
    }

    private const string PredictedNameColumn = "predicted_name";

    /// <summary>One class name, in class order: the key values of PredictedLabel.</summary>
    private sealed class ClassName
    {
        public string Name { get; set; } = "";
    }

    /// <summary>
    /// ExtractPixels computes (pixel − offset) × scale. Plain: the contract's values. Inverted: the
    /// contract applied to 255 − pixel, i.e. (pixel − (255 − offset)) × (−scale) — exact in float,
    /// because only the sign of the product changes.
    /// </summary>
    internal static (float Offset, float Scale) PixelScaling(bool invert) =>
        invert
            ? (byte.MaxValue - ModelContract.PixelOffset, -ModelContract.PixelScale)
            : (ModelContract.PixelOffset, ModelContract.PixelScale);

    /// <summary>A new (not thread-safe) prediction engine over the shared model.</summary>
    public PredictionEngine<DigitImageInput, DigitScores> CreateEngine() =>
        Context.Model.CreatePredictionEngine<DigitImageInput, DigitScores>(Model);

    /// <summary>Scores decoded images of any size in one streaming pass (each becomes a fresh MLImage).</summary>
    public ScoredBatch Score(IReadOnlyList<GrayImage> images) =>
        Score(images.Select(image => new DigitImageInput { Image = image.ToMLImage() }), images.Count);

    /// <summary>Scores many images in one streaming pass (the throughput path).</summary>
    /// <param name="images">Fresh images, enumerated once; each is consumed.</param>
    /// <param name="count">How many the enumeration yields.</param>
    public ScoredBatch Score(IEnumerable<DigitImageInput> images, int count)
    {
        var data = Context.Data.LoadFromEnumerable(images);
        var scored = Model.Transform(data);
        var batch = new ScoredBatch(count);
        var row = 0;
        foreach (var scores in Context.Data.CreateEnumerable<DigitScores>(scored, reuseRowObject: true))
        {
            if (row == count)
                throw new InvalidOperationException($"the pipeline returned more than the {count} rows it was given");
            batch.Set(row++, scores.Logits, scores.Probabilities);
        }
        if (row != count)
            throw new InvalidOperationException($"the pipeline returned {row} rows for {count} images");
        return batch;
    }

    /// <inheritdoc/>
    public void Dispose() => (Model as IDisposable)?.Dispose();
}
