// The digit classifier as an ML.NET estimator, for apps that build their own MLContext pipelines:
// put it after your own loaders and transforms, fit it, score, and save the fitted model.
using Microsoft.ML;
using MnistBn.Inference.Pipeline;

namespace MnistBn.Inference;

/// <summary>Extensions on ML.NET's <see cref="TransformsCatalog"/>, in the shape of ML.NET's own catalogs.</summary>
/// <example>
/// <code>
/// var ml = new MLContext();
/// var data = ml.Data.LoadFromEnumerable(rows);                     // rows with an MLImage property "image"
/// var model = ml.Transforms.ScoreDigits("models/lenet-bn.onnx").Fit(data);
/// var scored = model.Transform(data);                             // + Score (float[10]), PredictedLabel (key), PredictedClass (int)
/// var metrics = ml.MulticlassClassification.Evaluate(scored);      // with a key-typed "Label" column in data
/// ml.Model.Save(model, data.Schema, "digits.zip");
///
/// var other = new MLContext();
/// other.RegisterDigitScoring();                                   // before loading a saved model
/// var loaded = other.Model.Load("digits.zip", out _);
/// </code>
/// </example>
public static class DigitScoringCatalog
{
    /// <summary>
    /// Scores an image column with an exported MnistBn ONNX model: resizes each image to 28×28, takes one
    /// gray channel with the model contract's scaling, runs the model, and adds
    /// <see cref="DigitColumns.Logits"/>, <see cref="DigitColumns.Score"/>, <see cref="DigitColumns.PredictedClass"/> and
    /// <see cref="DigitColumns.PredictedLabel"/> (the model's own class labels).
    /// </summary>
    /// <param name="catalog">The transforms catalog of an <see cref="MLContext"/>.</param>
    /// <param name="modelPath">An ONNX file written by the MnistBn exporter (checked here).</param>
    /// <param name="options">Device, CPU fallback and polarity; defaults to CPU. The image column is scored as given
    /// (MNIST's light digits on dark) unless <see cref="DigitClassifierOptions.Polarity"/> is <see cref="DigitPolarity.DarkOnLight"/>:
    /// per-picture detection needs the pixels, which <see cref="DigitClassifier"/> has.</param>
    /// <param name="imageColumnName">The input column: an <c>MLImage</c> of any size.</param>
    /// <exception cref="FileNotFoundException">The model file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not an ONNX model of the contract's shape.</exception>
    /// <exception cref="DeviceUnavailableException">CUDA was asked for, is unusable, and fallback is disallowed.</exception>
    public static IEstimator<ITransformer> ScoreDigits(
        this TransformsCatalog catalog, string modelPath, DigitClassifierOptions? options = null, string imageColumnName = DigitColumns.Image)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrWhiteSpace(imageColumnName);
        var model = CheckedModel.Open(modelPath, options ??= new DigitClassifierOptions());
        return DigitPipeline.Estimator(catalog, model.FullPath, model.GpuDeviceId, options.Polarity == DigitPolarity.DarkOnLight, imageColumnName, model.ClassLabels);
    }

    /// <summary>
    /// Makes the predicted-label mapping known to <paramref name="context"/>; call it before
    /// <c>context.Model.Load</c> of a model that contains <see cref="ScoreDigits"/>.
    /// </summary>
    public static void RegisterDigitScoring(this MLContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.ComponentCatalog.RegisterAssembly(typeof(DigitScoringCatalog).Assembly);
    }
}
