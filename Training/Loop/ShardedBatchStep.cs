// A training step with the batch split over threads: each thread gathers, augments and runs forward
// and backward on its contiguous part of the batch with one TorchSharp thread, BatchNorm adds its
// statistics up over the parts (BatchStatisticsReducer), and the parameter gradients of the parts are added in
// part order. The result is the gradient of the whole batch's mean loss, as one thread would compute
// it up to float rounding, and deterministic for a given number of parts.
// Why: on the 2-core machine a LibTorch op split over two OpenMP threads runs far from twice as fast on
// LeNet's small tensors, and while the C# kernels (BatchNorm, pooling, conv1) run the second core only
// spins; two threads on half batches each kept both cores busy (README, "Speed").
using System.Diagnostics;
using MnistBn.Training.Data;
using MnistBn.Training.Model;
using MnistBn.Training.DataParallel;
using MnistBn.Training.Model.Kernels;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistBn.Training.Loop;

/// <summary>Computes a batch's gradients on several threads at once and leaves them in the parameters' <c>grad</c>.</summary>
internal sealed class ShardedBatchStep : IDisposable
{
    private readonly ShardThreads _threads;
    private readonly ShardAllReduce[] _exchanges;
    private readonly MnistTensors _data;
    private readonly Augmenter _augmenter;
    private readonly Tensor[]?[] _gradients; // per part: the parameters' gradients, until they are summed
    private readonly double[] _lossSums;
    private readonly long[] _correct;

    /// <summary>Splits each batch of <paramref name="data"/> into up to <paramref name="shards"/> parts, augmented by <paramref name="augmenter"/>.</summary>
    public ShardedBatchStep(int shards, MnistTensors data, Augmenter augmenter)
    {
        _augmenter = augmenter;
        _threads = new ShardThreads(shards);
        _exchanges = [.. Enumerable.Range(1, shards).Select(count => new ShardAllReduce(count))];
        _data = data;
        _gradients = new Tensor[]?[shards];
        _lossSums = new double[shards];
        _correct = new long[shards];
    }

    /// <summary>Parts a batch is split into (fewer for batches with fewer images).</summary>
    public int Shards => _threads.Shards;

    /// <summary>When set, <see cref="Run"/> adds the time of each of its phases here, as part 0 sees them.</summary>
    public StepPhaseTimes? Phases { get; set; }

    /// <summary>
    /// Sets each parameter's <c>grad</c> to the gradient of the mean cross-entropy of <paramref name="model"/> on the
    /// images <paramref name="indices"/> of the data, augmented with <paramref name="draws"/> (Augmenter.RandomDraws,
    /// float[6, N]) unless null: each part turns its slice of the draws into matrices and warps its images.
    /// Returns the batch's summed loss and its number of correct predictions.
    /// </summary>
    public (double LossSum, long Correct) Run(NetworkModule model, IList<Tensor> parameters, Tensor indices, Tensor? draws)
    {
        var size = indices.shape[0];
        if (size < 1)
            throw new ArgumentException("a batch needs at least one image", nameof(indices));
        var parts = (int)Math.Min(Shards, size);
        var exchange = _exchanges[parts - 1];
        exchange.Reset();
        var phases = Phases;
        var clock = phases is null ? null : Stopwatch.StartNew();
        try
        {
            ComputeGradients(model, parameters, indices, draws, parts, exchange, phases, clock);
            SumGradients(parameters, parts);
        }
        finally
        {
            DisposeGradients();
        }
        phases?.Add(ref phases.Combine, clock);
        double lossSum = 0;
        long correct = 0;
        for (var part = 0; part < parts; part++)
            (lossSum, correct) = (lossSum + _lossSums[part], correct + _correct[part]);
        return (lossSum, correct);
    }

    private void ComputeGradients(NetworkModule model, IList<Tensor> parameters, Tensor indices, Tensor? draws, int parts,
        ShardAllReduce exchange, StepPhaseTimes? phases, Stopwatch? clock)
    {
        var size = indices.shape[0];
        _threads.Run(parts, exchange, part =>
        {
            var lap = part == 0 ? clock : null;
            var (start, length) = Part(size, parts, part);
            using var scope = NewDisposeScope();
            var reducer = new BatchStatisticsReducer(part, exchange);
            var selected = indices.narrow(0, start, length);
            var images = _data.Images.index_select(0, selected);
            var labels = _data.Labels.index_select(0, selected);
            phases?.Add(ref phases.Gather, lap);
            if (draws is not null)
                images = Augmenter.Warp(images, _augmenter.Matrices(draws.narrow(1, start, length)));
            phases?.Add(ref phases.Augment, lap);
            var logits = model.Forward(images, reducer);
            var loss = F.cross_entropy(logits, labels);
            phases?.Add(ref phases.Forward, lap);
            // This part's share of the batch mean.
            var share = length == size ? loss : loss * ((double)length / size);
            var gradients = autograd.grad([share], parameters);
            scope.Detach(gradients);
            _gradients[part] = [.. gradients];
            reducer.ThrowIfFailed();
            _lossSums[part] = loss.item<float>() * (double)length;
            _correct[part] = logits.argmax(1).eq(labels).sum().item<long>();
            phases?.Add(ref phases.Backward, lap);
        });
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
    public (double Loss, double Accuracy) Evaluate(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels)
    {
        model.eval();
        var count = labels.shape[0];
        var parts = (int)Math.Max(1, Math.Min(Shards, count));
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
        var exchange = _exchanges[Shards - 1];
        exchange.Reset();
        _threads.Run(Shards, exchange, thread => action(thread, Shards));
    }

    /// <summary>Contiguous parts as equal as possible; the first <c>size % parts</c> get one image more.</summary>
    public static (long Start, long Length) Part(long size, int parts, int part)
    {
        var (length, extra) = (size / parts, size % parts);
        return (part * length + Math.Min(part, extra), length + (part < extra ? 1 : 0));
    }

    public void Dispose() => _threads.Dispose();
}

/// <summary>Seconds per phase of <see cref="ShardedBatchStep.Run"/>, summed over the batches it timed.</summary>
internal sealed class StepPhaseTimes
{
    public double Gather;
    public double Augment;
    public double Forward;
    public double Backward;

    /// <summary>From part 0's end to the summed gradients: waiting for the other parts, then adding theirs.</summary>
    public double Combine;

    /// <summary>Adds the time since <paramref name="clock"/>'s last restart to <paramref name="phase"/> (nothing without a clock).</summary>
    public void Add(ref double phase, Stopwatch? clock)
    {
        if (clock is null)
            return;
        phase += clock.Elapsed.TotalSeconds;
        clock.Restart();
    }
}
