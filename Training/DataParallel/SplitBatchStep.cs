// The training step of Loop/TrainingStep.cs with the batch split over threads: each thread gathers,
// augments and runs forward and backward on its contiguous part of the batch with one TorchSharp thread,
// passing its part's BatchStatisticsReducer to the network, so that BatchNorm adds its statistics up over
// the parts; the parts' parameter gradients are then added in part order and one optimizer step follows
// (Adam's update split over the threads). The result is the gradient of the whole batch's mean loss, as
// one thread would compute it up to float rounding, and deterministic for a given number of parts.
// The model never learns how the batch is split: it only sees a reducer in its forward call.
// Why: on the 2-core machine a LibTorch op split over two OpenMP threads runs far from twice as fast on
// LeNet's small tensors, and while the C# kernels (BatchNorm, pooling, conv1) run the second core only
// spins; two threads on half batches each kept both cores busy (README, "Speed").
using MnistBn.Training.Loop;
using MnistBn.Training.Model;
using MnistBn.Training.Model.Kernels;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistBn.Training.DataParallel;

/// <summary>Trains each batch on several threads at once.</summary>
internal sealed class SplitBatchStep : IBatchStep
{
    private readonly PartThreads _threads;
    private readonly PartExchange[] _exchanges;
    private readonly StepPhases _phases;
    private readonly Tensor[]?[] _gradients; // per part: the parameters' gradients, until they are summed
    private readonly double[] _lossSums;
    private readonly long[] _correct;
    private NetworkModule? _model; // the model whose parameter list is cached
    private Tensor[] _parameters = [];

    /// <summary>Splits each batch into up to <paramref name="parts"/> parts, each going through <paramref name="phases"/>.</summary>
    public SplitBatchStep(int parts, StepPhases phases)
    {
        _threads = new PartThreads(parts);
        _exchanges = [.. Enumerable.Range(1, parts).Select(count => new PartExchange(count))];
        _phases = phases;
        _gradients = new Tensor[]?[parts];
        _lossSums = new double[parts];
        _correct = new long[parts];
    }

    /// <summary>Parts a batch is split into (fewer for batches with fewer images).</summary>
    public int Parts => _threads.Parts;

    /// <inheritdoc/>
    public (double LossSum, long Correct) Run(NetworkModule model, OptimizerHelper optimizer, Tensor indices, Tensor? draws)
    {
        // Adam's update is element-wise: it is split into ranges over the same threads.
        if (optimizer is SinglePassAdam adam)
            adam.UpdateOnThreads = RunOnEveryThread;
        if (!ReferenceEquals(_model, model))
            (_model, _parameters) = (model, [.. model.parameters()]);
        var result = ComputeGradients(model, _parameters, indices, draws);
        _phases.Update(optimizer);
        return result;
    }

    /// <summary>
    /// Sets each parameter's <c>grad</c> to the gradient of the mean cross-entropy of <paramref name="model"/> on the
    /// images <paramref name="indices"/>, augmented with <paramref name="draws"/> (Augmenter.RandomDraws, float[6, N])
    /// unless null: each part turns its slice of the draws into matrices and warps its images. Returns the batch's
    /// summed loss and its number of correct predictions.
    /// </summary>
    public (double LossSum, long Correct) ComputeGradients(NetworkModule model, IList<Tensor> parameters, Tensor indices, Tensor? draws)
    {
        var size = indices.shape[0];
        if (size < 1)
            throw new ArgumentException("a batch needs at least one image", nameof(indices));
        var parts = (int)Math.Min(Parts, size);
        var exchange = _exchanges[parts - 1];
        exchange.Reset();
        try
        {
            _threads.Run(parts, exchange, part => TrainPart(model, parameters, indices, draws, part, parts, exchange));
            _phases.Combine(() => SumGradients(parameters, parts));
        }
        finally
        {
            DisposeGradients();
        }
        double lossSum = 0;
        long correct = 0;
        for (var part = 0; part < parts; part++)
            (lossSum, correct) = (lossSum + _lossSums[part], correct + _correct[part]);
        return (lossSum, correct);
    }

    /// <summary>One part's forward and backward pass on the calling thread, its BatchNorm statistics summed through its reducer.</summary>
    private void TrainPart(NetworkModule model, IList<Tensor> parameters, Tensor indices, Tensor? draws, int part, int parts, PartExchange exchange)
    {
        var size = indices.shape[0];
        var (start, length) = Part(size, parts, part);
        using var scope = NewDisposeScope();
        var reducer = new BatchStatisticsReducer(part, exchange);
        var (images, labels) = _phases.Gather(indices.narrow(0, start, length));
        images = _phases.Augment(images, draws?.narrow(1, start, length));
        var (logits, loss) = _phases.Forward(model, images, labels, reducer);
        // This part's share of the batch mean.
        var share = length == size ? loss : loss * ((double)length / size);
        var gradients = _phases.Gradients(share, parameters);
        scope.Detach(gradients);
        _gradients[part] = [.. gradients];
        reducer.ThrowIfFailed();
        _lossSums[part] = loss.item<float>() * (double)length;
        _correct[part] = logits.argmax(1).eq(labels).sum().item<long>();
    }

    /// <summary>
    /// Each parameter's <c>grad</c> becomes the sum of the parts' gradients: part 0's tensors take the totals,
    /// each thread adding the other parts' values into its own range of every parameter (element-wise, in
    /// part order, as one thread would).
    /// </summary>
    private void SumGradients(IList<Tensor> parameters, int parts)
    {
        var totals = _gradients[0]!;
        if (parts > 1)
        {
            RunOnEveryThread((thread, threads) =>
            {
                for (var p = 0; p < parameters.Count; p++)
                {
                    var total = TensorMemory.Floats(totals[p]);
                    var (start, length) = ElementRanges.Of(total.Length, thread, threads);
                    var range = total.Slice(start, length);
                    for (var part = 1; part < parts; part++)
                        System.Numerics.Tensors.TensorPrimitives.Add(range, TensorMemory.Floats(_gradients[part]![p]).Slice(start, length), range);
                }
            });
        }
        for (var p = 0; p < parameters.Count; p++)
            parameters[p].grad = totals[p];
    }

    /// <summary>Releases the parts' gradient tensors (the parameters keep their own references to the totals).</summary>
    private void DisposeGradients()
    {
        for (var part = 0; part < _gradients.Length; part++)
        {
            foreach (var gradient in _gradients[part] ?? [])
                gradient.Dispose();
            _gradients[part] = null;
        }
    }

    /// <summary>
    /// Mean cross-entropy and accuracy of <paramref name="model"/> on <paramref name="images"/> in eval mode, the
    /// images split over the threads; sums are added in part order.
    /// </summary>
    public (double Loss, double Accuracy) Evaluate(NetworkModule model, Tensor images, Tensor labels)
    {
        model.eval();
        var count = labels.shape[0];
        var parts = (int)Math.Max(1, Math.Min(Parts, count));
        var sums = new (double LossSum, long Correct)[parts];
        _threads.Run(parts, _exchanges[parts - 1], part =>
        {
            var (start, length) = Part(count, parts, part);
            sums[part] = ClassifierEvaluation.Sums(model, images.narrow(0, start, length), labels.narrow(0, start, length));
        });
        var (lossSum, correct) = (0.0, 0L);
        foreach (var (partLoss, partCorrect) in sums)
            (lossSum, correct) = (lossSum + partLoss, correct + partCorrect);
        return (lossSum / count, (double)correct / count);
    }

    /// <summary>
    /// Runs <paramref name="action"/>(thread, threads) once on every thread, for element-wise work split into
    /// disjoint <see cref="ElementRanges"/> (the gradient sums, SinglePassAdam's update).
    /// </summary>
    public void RunOnEveryThread(Action<int, int> action)
    {
        var exchange = _exchanges[Parts - 1];
        exchange.Reset();
        _threads.Run(Parts, exchange, thread => action(thread, Parts));
    }

    /// <summary>Contiguous parts as equal as possible; the first <c>size % parts</c> get one image more.</summary>
    public static (long Start, long Length) Part(long size, int parts, int part)
    {
        var (length, extra) = (size / parts, size % parts);
        return (part * length + Math.Min(part, extra), length + (part < extra ? 1 : 0));
    }

    public void Dispose() => _threads.Dispose();
}
