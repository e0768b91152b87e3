// The embeddable prediction engine: one fitted ML.NET pipeline per model, and a pool of
// PredictionEngines (each not thread-safe) so that many threads can predict at once.
using System.Collections.Concurrent;
using Microsoft.ML;
using MnistBn.Inference.Pipeline;

namespace MnistBn.Inference;

/// <summary>
/// Classifies digit images with an exported LeNet ONNX model through the ML.NET pipeline.
/// Thread-safe: call the Predict methods from any number of threads. Disposing while predictions run
/// is safe: it waits for those in flight; later calls throw <see cref="ObjectDisposedException"/>.
/// </summary>
/// <example>
/// <code>
/// using var classifier = DigitClassifier.Create("models/lenet-bn.onnx");
/// var prediction = classifier.PredictFile("seven.png");
/// Console.WriteLine($"{prediction.Digit} ({prediction.Confidence:P1})");
/// </code>
/// </example>
public sealed class DigitClassifier : IDisposable
{
    private readonly DigitPipeline _pipeline;
    private readonly ConcurrentBag<PredictionEngine<DigitImageInput, DigitScores>> _engines = [];
    private readonly InFlightGate _gate = new();

    private DigitClassifier(string modelPath, DigitPipeline pipeline, DigitClassifierOptions options, int? gpuDeviceId, CheckedModel model)
    {
        ModelPath = modelPath;
        ClassLabels = model.ClassLabels;
        Metadata = model.Metadata;
        _pipeline = pipeline;
        Options = options;
        GpuDeviceId = gpuDeviceId;
    }

    /// <summary>The model file, as a full path.</summary>
    public string ModelPath { get; }

    /// <summary>The model's class labels in output order (from its metadata; the digits "0"–"9" by default).</summary>
    public IReadOnlyList<string> ClassLabels { get; }

    /// <summary>
    /// The model file's metadata as the exporter wrote it (<c>variant</c>, <c>dataset</c>, <c>test_metrics</c>, …; keys in
    /// <c>ModelMetadataKeys</c>): what an app shows about the model.
    /// </summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The options the classifier was created with.</summary>
    public DigitClassifierOptions Options { get; }

    /// <summary>The CUDA device the model runs on, or null for the CPU (also after a fallback).</summary>
    public int? GpuDeviceId { get; }

    /// <summary>Loads the model, checks it against the model contract, and builds the pipeline once.</summary>
    /// <param name="modelPath">An ONNX file written by the exporter.</param>
    /// <param name="options">Device, fallback and polarity; defaults to CPU and per-picture polarity.</param>
    /// <exception cref="FileNotFoundException">The model file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty, not ONNX, or its tensors do not match the contract.</exception>
    /// <exception cref="DeviceUnavailableException">CUDA was asked for, is unusable, and fallback is disallowed.</exception>
    public static DigitClassifier Create(string modelPath, DigitClassifierOptions? options = null)
    {
        options ??= new DigitClassifierOptions();
        var model = CheckedModel.Open(modelPath, options);
        // The pipeline always sees light digits on dark: each picture is turned round before, if it needs it.
        return new DigitClassifier(model.FullPath, DigitPipeline.Create(model.FullPath, model.GpuDeviceId, invert: false),
            options, model.GpuDeviceId, model);
    }

    /// <summary>Predicts from an image file (PNG, JPEG, BMP, GIF, WebP; any size, gray or colour).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty, not an image, corrupt, of absurd size, larger than 64 MiB, or not a regular file (a pipe or device).</exception>
    public DigitPrediction PredictFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        return PredictEncoded(RegularFile.ReadAllBytes(full, RegularFile.MaxImageBytes, "an image file"), full);
    }

    /// <summary>Predicts from a stream holding one encoded image (read to its end).</summary>
    /// <param name="stream">The encoded image.</param>
    /// <param name="source">Names the stream in error messages.</param>
    /// <exception cref="InvalidDataException">The data is empty, not an image, corrupt, or of absurd size.</exception>
    public DigitPrediction Predict(Stream stream, string source = "image stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        return PredictEncoded(RegularFile.ReadBounded(stream, RegularFile.MaxImageBytes, source, "an image"), source);
    }

    /// <summary>Predicts from the bytes of an encoded image file (PNG, JPEG, …).</summary>
    /// <param name="encoded">The encoded image.</param>
    /// <param name="source">Names the input in error messages.</param>
    /// <exception cref="InvalidDataException">The data is empty, not an image, corrupt, or of absurd size.</exception>
    /// <param name="polarity">Overrides <see cref="DigitClassifierOptions.Polarity"/> for this picture.</param>
    public DigitPrediction PredictEncoded(ReadOnlySpan<byte> encoded, string source = "encoded image", DigitPolarity? polarity = null)
    {
        _gate.ThrowIfClosed(this);
        var reading = polarity ?? Options.Polarity;
        return Predict(GrayImage.Decode(encoded, source, reading), reading);
    }

    /// <summary>Predicts from raw 28×28 gray bytes, row-major, in the picture's own polarity.</summary>
    /// <exception cref="ArgumentException">The buffer is not exactly 784 bytes.</exception>
    public DigitPrediction PredictPixels(ReadOnlySpan<byte> pixels)
    {
        _gate.ThrowIfClosed(this);
        if (pixels.Length != Shared.ModelContract.PixelCount)
            GrayImage.FromRaw(pixels); // throws the descriptive error
        return Predict(GrayImage.FromRaw(pixels));
    }

    /// <summary>Predicts from a decoded gray image of any size.</summary>
    /// <param name="image">The picture.</param>
    /// <param name="polarity">Overrides <see cref="DigitClassifierOptions.Polarity"/> for this picture.</param>
    public DigitPrediction Predict(GrayImage image, DigitPolarity? polarity = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var reading = PictureReading.Of(image, polarity ?? Options.Polarity);
        using var pass = _gate.Enter(this);
        return Run(GrayImage.ToMLImage(reading.Pixels, image.Width, image.Height), reading);
    }

    /// <summary>
    /// Predicts many decoded images (any sizes) in one streaming pass of the pipeline — ML.NET's batch
    /// path, several times the throughput of one <see cref="Predict(GrayImage, DigitPolarity?)"/> call per image.
    /// Thread-safe; results are in input order and equal the single predictions.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="images"/> or one of them is null.</exception>
    public IReadOnlyList<DigitPrediction> PredictBatch(IReadOnlyList<GrayImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        _gate.ThrowIfClosed(this);
        for (var i = 0; i < images.Count; i++)
        {
            if (images[i] is null)
                throw new ArgumentNullException(nameof(images), $"image {i} of the batch is null");
        }
        var readings = images.Select(image => PictureReading.Of(image, Options.Polarity)).ToArray();
        ScoredBatch scores;
        using (_gate.Enter(this))
            scores = _pipeline.Score([.. readings.Select((reading, i) => new GrayImage(images[i].Width, images[i].Height, reading.Pixels))]);
        var predictions = new DigitPrediction[images.Count];
        for (var i = 0; i < predictions.Length; i++)
            predictions[i] = Checked(scores.LogitsOf(i).ToArray(), scores.ProbabilitiesOf(i).ToArray(), readings[i]);
        return predictions;
    }

    private DigitPrediction Run(Microsoft.ML.Data.MLImage image, PictureReading reading)
    {
        if (!_engines.TryTake(out var engine))
            engine = _pipeline.CreateEngine();
        try
        {
            // A fresh output object per call: the caller keeps the arrays.
            var scores = new DigitScores();
            engine.Predict(new DigitImageInput { Image = image }, ref scores);
            return Checked(scores.Logits, scores.Probabilities, reading);
        }
        finally
        {
            image.Dispose();
            _engines.Add(engine);
        }
    }

    // A model that passed the load-time probe can still produce NaN on some picture (an overflow in a
    // broken weight): that is an error naming the model, never "digit 0 with confidence NaN".
    private DigitPrediction Checked(float[] logits, float[] probabilities, PictureReading reading)
    {
        OutputProbe.RequireFinite(logits, Shared.ModelContract.LogitsName, ModelPath);
        OutputProbe.RequireFinite(probabilities, Shared.ModelContract.ProbabilitiesName, ModelPath);
        return DigitPrediction.From(logits, probabilities, reading, ClassLabels);
    }

    /// <summary>
    /// Releases the engines and the ONNX Runtime session, after the predictions already running have
    /// finished; predictions that start later throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        if (!_gate.CloseAndDrain())
            return;
        while (_engines.TryTake(out var engine))
            engine.Dispose();
        _pipeline.Dispose();
    }
}
