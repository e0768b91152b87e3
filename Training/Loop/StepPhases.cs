// The phases a training step goes through, each a small virtual method, so that the steps (TrainingStep
// on one thread, DataParallel/SplitBatchStep on several) read as the sequence they are, and `--profile`
// times them by wrapping this class (Benchmarks/TimedStepPhases.cs) instead of timing inside the steps.
using MnistBn.Training.Data;
using MnistBn.Training.DataParallel;
using MnistBn.Training.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistBn.Training.Loop;

/// <summary>Gather, augment, forward, backward and update for batches of one data set.</summary>
/// <param name="images">All training images, [N, 1, 28, 28].</param>
/// <param name="labels">Their labels, [N].</param>
/// <param name="augmenter">Warps images given a batch's random draws; null when nothing is augmented.</param>
internal class StepPhases(Tensor images, Tensor labels, Augmenter? augmenter)
{
    /// <summary>The phases over <paramref name="data"/>.</summary>
    public StepPhases(MnistTensors data, Augmenter? augmenter) : this(data.Images, data.Labels, augmenter)
    {
    }

    /// <summary>The images and labels at <paramref name="indices"/>.</summary>
    public virtual (Tensor Images, Tensor Labels) Gather(Tensor indices) =>
        (images.index_select(0, indices), labels.index_select(0, indices));

    /// <summary>The images warped with the batch's random draws (Augmenter.RandomDraws, float[6, N]); unchanged without draws.</summary>
    public virtual Tensor Augment(Tensor batch, Tensor? draws) =>
        draws is null || augmenter is null ? batch : Augmenter.Warp(batch, augmenter.Matrices(draws));

    /// <summary>The logits and the mean cross-entropy of the batch.</summary>
    public virtual (Tensor Logits, Tensor Loss) Forward(NetworkModule model, Tensor batch, Tensor batchLabels, BatchStatisticsReducer reducer)
    {
        var logits = model.Forward(batch, reducer);
        return (logits, F.cross_entropy(logits, batchLabels));
    }

    /// <summary>Fills every parameter's <c>grad</c> with the loss's gradient (the optimizer has zeroed them).</summary>
    public virtual void Backward(Tensor loss) => loss.backward();

    /// <summary>The gradients of <paramref name="loss"/> with respect to <paramref name="parameters"/>, for one part of a split batch.</summary>
    public virtual IList<Tensor> Gradients(Tensor loss, IList<Tensor> parameters) => autograd.grad([loss], parameters);

    /// <summary>Adds the parts' gradients up (<paramref name="combine"/>), after waiting for the other parts.</summary>
    public virtual void Combine(Action combine) => combine();

    /// <summary>One optimizer step.</summary>
    public virtual void Update(OptimizerHelper optimizer) => optimizer.step();
}
