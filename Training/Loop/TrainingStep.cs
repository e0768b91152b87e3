// One training step, in plain order. Trainer takes this step for `training.threads: 1` and for the
// reference kernels, the experiments (Experiments/ExperimentTrainer.cs) for every run; `mnistbn run`
// on several cores takes DataParallel/SplitBatchStep.cs, which computes the same gradients with the
// batch divided over threads.
using TorchSharp.Modules;
using MnistBn.Training.Model;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistBn.Training.Loop;

/// <summary>A training step, however the batch is computed.</summary>
internal interface IBatchStep
{
    /// <summary>
    /// Trains <paramref name="model"/> on the images <paramref name="indices"/>, augmented with <paramref name="draws"/>
    /// (Augmenter.RandomDraws, float[6, N]) unless null; returns the batch's summed loss and its correct predictions.
    /// </summary>
    (double LossSum, long Correct) Run(NetworkModule model, optim.Optimizer optimizer, Tensor indices, Tensor? draws);
}

/// <summary>The whole batch on the calling thread.</summary>
internal sealed class TrainingStep(IBatchSource batches) : IBatchStep
{
    /// <inheritdoc/>
    public (double LossSum, long Correct) Run(NetworkModule model, optim.Optimizer optimizer, Tensor indices, Tensor? draws)
    {
        var (images, labels) = batches.Take(indices, draws); // gather and augment
        optimizer.zero_grad();
        var logits = model.call(images);
        var loss = F.cross_entropy(logits, labels);
        loss.backward();
        optimizer.step();
        return Score(loss, logits, labels);
    }

    /// <summary>The summed loss (from the batch mean <paramref name="loss"/>) and the correct predictions of a batch.</summary>
    public static (double LossSum, long Correct) Score(Tensor loss, Tensor logits, Tensor labels) =>
        (loss.item<float>() * (double)labels.shape[0], logits.argmax(1).eq(labels).sum().item<long>());
}
