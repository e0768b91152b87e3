// Test metrics of any classifier returning logits: mean cross-entropy and accuracy in eval mode,
// without autograd, in batches of 1,000. Shared by the study's Trainer and the experiments.
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistBn.Training.Loop;

internal static class ClassifierEvaluation
{
    private const int BatchSize = 1000;

    /// <summary>
    /// Puts <paramref name="model"/> in eval mode and scores images float[N, …] against labels int64[N];
    /// <paramref name="predictions"/>, when given (length N), receives each image's predicted class from the same pass.
    /// </summary>
    public static (double Loss, double Accuracy) Evaluate(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels, int[]? predictions = null)
    {
        model.eval();
        var count = labels.shape[0];
        var (lossSum, correct) = Sums(model, images, labels, predictions);
        return (lossSum / count, (double)correct / count);
    }

    /// <summary>
    /// The summed cross-entropy and the number of correct predictions of <paramref name="model"/>, which the
    /// caller has put in eval mode, without autograd (on the calling thread: grad mode is per thread).
    /// </summary>
    public static (double LossSum, long Correct) Sums(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels, int[]? predictions = null)
    {
        using var noGrad = no_grad();
        using var lossSum = zeros(1, ScalarType.Float64);
        using var correct = zeros(1, ScalarType.Int64);
        var count = labels.shape[0];
        for (long start = 0; start < count; start += BatchSize)
        {
            using var scope = NewDisposeScope();
            var size = Math.Min(BatchSize, count - start);
            var logits = model.call(images.narrow(0, start, size));
            var batchLabels = labels.narrow(0, start, size);
            lossSum.add_(F.cross_entropy(logits, batchLabels, reduction: nn.Reduction.Sum).to_type(ScalarType.Float64));
            var predicted = logits.argmax(1);
            correct.add_(predicted.eq(batchLabels).sum());
            if (predictions is not null)
                predicted.to_type(ScalarType.Int32).data<int>().CopyTo(predictions.AsSpan((int)start, (int)size));
        }
        return (lossSum.item<double>(), correct.item<long>());
    }
}
