// Test metrics of any classifier returning logits: mean cross-entropy and accuracy in eval mode,
// without autograd, in batches of 1,000. The one evaluation helper of the study's Trainer, the
// experiments and `mnistbn run`'s eager check; given the training threads, each scores a contiguous
// part of the images and the sums are added in part order.
using MnistBn.Training.DataParallel;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistBn.Training.Loop;

internal static class ClassifierEvaluation
{
    private const int BatchSize = 1000;

    /// <summary>
    /// Puts <paramref name="model"/> in eval mode and scores images float[N, …] against labels int64[N], on
    /// <paramref name="threads"/> when given; <paramref name="predictions"/>, when given (length N), receives each
    /// image's predicted class from the same pass.
    /// </summary>
    public static (double Loss, double Accuracy) Evaluate(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels,
        int[]? predictions = null, PartThreads? threads = null)
    {
        model.eval();
        var count = labels.shape[0];
        var parts = (int)Math.Max(1, Math.Min(threads?.Parts ?? 1, count));
        var sums = new (double LossSum, long Correct)[parts];
        void Score(int part)
        {
            var (start, length) = BatchParts.Of(count, parts, part);
            sums[part] = Sums(model, images.narrow(0, start, length), labels.narrow(0, start, length), predictions, (int)start);
        }
        if (threads is null || parts == 1)
            Score(0);
        else
            threads.Run(parts, new PartExchange(parts), Score);
        var (lossSum, correct) = (0.0, 0L);
        foreach (var (partLoss, partCorrect) in sums)
            (lossSum, correct) = (lossSum + partLoss, correct + partCorrect);
        return (lossSum / count, (double)correct / count);
    }

    /// <summary>
    /// The summed cross-entropy and the number of correct predictions of <paramref name="model"/>, which the caller
    /// has put in eval mode, without autograd (on the calling thread: grad mode is per thread); the predicted
    /// classes go to <paramref name="predictions"/> from <paramref name="offset"/> on, when given.
    /// </summary>
    private static (double LossSum, long Correct) Sums(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels, int[]? predictions, int offset)
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
                predicted.to_type(ScalarType.Int32).data<int>().CopyTo(predictions.AsSpan(offset + (int)start, (int)size));
        }
        return (lossSum.item<double>(), correct.item<long>());
    }
}
