// One training step on one thread, in plain order: gather the batch, augment it, forward, mean
// cross-entropy, backward, optimizer step. This is what a step *is*; the split batch
// (DataParallel/SplitBatchStep.cs) computes the same gradients with the batch divided over threads.
// Trainer takes this step for `training.threads: 1` and for the reference kernels, and the experiments
// (Experiments/ExperimentTrainer.cs) take it for every run.
using MnistBn.Training.DataParallel;
using MnistBn.Training.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistBn.Training.Loop;

/// <summary>A training step and an evaluation, however the batch is computed.</summary>
internal interface IBatchStep : IDisposable
{
    /// <summary>
    /// Trains <paramref name="model"/> on the images <paramref name="indices"/>, augmented with <paramref name="draws"/>
    /// (Augmenter.RandomDraws, float[6, N]) unless null; returns the batch's summed loss and its correct predictions.
    /// </summary>
    (double LossSum, long Correct) Run(NetworkModule model, OptimizerHelper optimizer, Tensor indices, Tensor? draws);

    /// <summary>Mean cross-entropy and accuracy of <paramref name="model"/> on <paramref name="images"/> in eval mode.</summary>
    (double Loss, double Accuracy) Evaluate(NetworkModule model, Tensor images, Tensor labels);
}

/// <summary>The single-thread training step.</summary>
internal sealed class TrainingStep(StepPhases phases) : IBatchStep
{
    /// <inheritdoc/>
    public (double LossSum, long Correct) Run(NetworkModule model, OptimizerHelper optimizer, Tensor indices, Tensor? draws)
    {
        var size = indices.shape[0];
        if (size < 1)
            throw new ArgumentException("a batch needs at least one image", nameof(indices));
        var (images, labels) = phases.Gather(indices);
        images = phases.Augment(images, draws);
        var (logits, loss) = phases.Forward(model, images, labels, BatchStatisticsReducer.WholeBatch);
        optimizer.zero_grad();
        phases.Backward(loss);
        phases.Update(optimizer);
        return (loss.item<float>() * (double)size, logits.argmax(1).eq(labels).sum().item<long>());
    }

    /// <inheritdoc/>
    public (double Loss, double Accuracy) Evaluate(NetworkModule model, Tensor images, Tensor labels) =>
        ClassifierEvaluation.Evaluate(model, images, labels);

    public void Dispose()
    {
    }
}
