// Plain ONNX Runtime scoring, batched, with no ML.NET in between: the reference the ML.NET pipeline
// is compared with, and the fastest path for 28×28 data already in memory.
using Microsoft.ML.OnnxRuntime;
using MnistBn.Inference.Pipeline;
using MnistBn.Inference;
using MnistBn.Shared;

namespace MnistBn.Training.OnnxEvaluation;

/// <summary>Scores 28×28 gray images with an ONNX Runtime <see cref="InferenceSession"/>, many per call.</summary>
internal sealed class DirectOnnxScorer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly int _batchSize;

    /// <summary>Opens the model on the CPU after checking it against the model contract.</summary>
    /// <param name="modelPath">The ONNX file.</param>
    /// <param name="batchSize">Images per Run call (pipeline.yaml: evaluation.batch_size).</param>
    /// <exception cref="FileNotFoundException">The model file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not ONNX or breaks the contract.</exception>
    public DirectOnnxScorer(string modelPath, int batchSize = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        _session = OnnxModelCheck.OpenSession(Path.GetFullPath(modelPath), options: null);
        _batchSize = batchSize;
    }

    /// <summary>Scores <c>pixels.Length / 784</c> images given as consecutive row-major 28×28 gray bytes.</summary>
    /// <exception cref="InvalidDataException">The buffer is not a whole number of 28×28 images.</exception>
    public ScoredBatch Score(ReadOnlySpan<byte> pixels)
    {
        if (pixels.Length % ModelContract.PixelCount != 0)
            throw new InvalidDataException(
                $"pixel buffer of {pixels.Length} bytes is not a whole number of {ModelContract.Width}×{ModelContract.Height} images");
        var count = pixels.Length / ModelContract.PixelCount;
        var result = new ScoredBatch(count);
        var input = new float[Math.Min(_batchSize, Math.Max(count, 1)) * ModelContract.PixelCount];
        string[] inputNames = [ModelContract.InputName];
        string[] outputNames = [ModelContract.LogitsName, ModelContract.ProbabilitiesName];
        using var runOptions = new RunOptions();
        for (var start = 0; start < count; start += _batchSize)
        {
            var n = Math.Min(_batchSize, count - start);
            var chunk = pixels.Slice(start * ModelContract.PixelCount, n * ModelContract.PixelCount);
            for (var i = 0; i < chunk.Length; i++)
                input[i] = ModelContract.ScalePixel(chunk[i]);
            using var tensor = OrtValue.CreateTensorValueFromMemory(
                OrtMemoryInfo.DefaultInstance, input.AsMemory(0, chunk.Length), ModelContract.InputShape(n));
            using var outputs = _session.Run(runOptions, inputNames, [tensor], outputNames);
            var logits = outputs[0].GetTensorDataAsSpan<float>();
            var probabilities = outputs[1].GetTensorDataAsSpan<float>();
            logits.CopyTo(result.Logits.AsSpan(start * ModelContract.ClassCount));
            probabilities.CopyTo(result.Probabilities.AsSpan(start * ModelContract.ClassCount));
        }
        return result;
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();
}
