// The training step of Loop/TrainingStep.cs with the batch split over threads: each thread gathers,
// augments and runs forward and backward on its contiguous part of the batch with one TorchSharp thread,
// passing its part's BatchStatisticsReducer to the network, so that BatchNorm adds its statistics up over
// the parts; the parts' parameter gradients are then added in part order and one optimizer step follows
// (SinglePassAdam splits its update over the same threads). The result is the gradient of the whole
// batch's mean loss, as one thread would compute it up to float rounding, and deterministic for a given
// number of parts.
// The model never learns how the batch is split: it only sees a reducer in its forward call.
// Why: LeNet's tensors are too small for LibTorch to split one op over cores well, and the C# kernels
// run on one thread; whole parts of the batch, one per core, keep every core busy.
using MnistBn.Training.Loop;
using MnistBn.Training.Model;
using MnistBn.Training.Model.Kernels;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistBn.Training.DataParallel;

/// <summary>Trains each batch on several threads at once.</summary>
/// <param name="threads">The threads; a batch is split into one part per thread (fewer for batches with fewer images).</param>
/// <param name="batches">Where each part's images come from.</param>
internal sealed class SplitBatchStep(PartThreads threads, IBatchSource batches) : IBatchStep
{
    private readonly PartExchange[] _exchanges = [.. Enumerable.Range(1, threads.Parts).Select(count => new PartExchange(count))];
    private readonly Tensor[]?[] _gradients = new Tensor[]?[threads.Parts]; // per part: its parameter gradients, until summed
    private readonly (double LossSum, long Correct)[] _scores = new (double, long)[threads.Parts];
    private NetworkModule? _model; // the model whose parameter list is cached
    private Tensor[] _parameters = [];

    /// <inheritdoc/>
    public (double LossSum, long Correct) Run(NetworkModule model, optim.Optimizer optimizer, Tensor indices, Tensor? draws)
    {
        if (!ReferenceEquals(_model, model))
            (_model, _parameters) = (model, [.. model.parameters()]);
        var score = ComputeGradients(model, _parameters, indices, draws);
        optimizer.step();
        return score;
    }

    /// <summary>
    /// Sets each parameter's <c>grad</c> to the gradient of the mean cross-entropy of <paramref name="model"/> on the
    /// images <paramref name="indices"/>, augmented with <paramref name="draws"/> unless null (each part warps its own
    /// images with its slice of the draws). Returns the batch's summed loss and its number of correct predictions.
    /// </summary>
    public (double LossSum, long Correct) ComputeGradients(NetworkModule model, IList<Tensor> parameters, Tensor indices, Tensor? draws)
    {
        var size = indices.shape[0];
        if (size < 1)
            throw new ArgumentException("a batch needs at least one image", nameof(indices));
        var parts = (int)Math.Min(threads.Parts, size);
        var exchange = _exchanges[parts - 1];
        exchange.Reset();
        try
        {
            threads.Run(parts, exchange, part => TrainPart(model, parameters, indices, draws, part, parts, exchange));
            SumGradients(parameters, parts);
        }
        finally
        {
            DisposeGradients();
        }
        var (lossSum, correct) = (0.0, 0L);
        for (var part = 0; part < parts; part++)
            (lossSum, correct) = (lossSum + _scores[part].LossSum, correct + _scores[part].Correct);
        return (lossSum, correct);
    }

    /// <summary>One part's forward and backward pass on the calling thread, its BatchNorm statistics summed through its reducer.</summary>
    private void TrainPart(NetworkModule model, IList<Tensor> parameters, Tensor indices, Tensor? draws, int part, int parts, PartExchange exchange)
    {
        var size = indices.shape[0];
        var (start, length) = BatchParts.Of(size, parts, part);
        using var scope = NewDisposeScope();
        var reducer = new BatchStatisticsReducer(part, exchange);
        var (images, labels) = batches.Take(indices.narrow(0, start, length), draws?.narrow(1, start, length));
        var logits = model.Forward(images, reducer);
        var loss = F.cross_entropy(logits, labels);
        var share = length == size ? loss : loss * ((double)length / size); // this part's share of the batch mean
        var gradients = autograd.grad([share], parameters);
        scope.Detach(gradients);
        _gradients[part] = [.. gradients];
        reducer.ThrowIfFailed();
        _scores[part] = TrainingStep.Score(loss, logits, labels);
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
            threads.RunOnEveryThread((thread, count) =>
            {
                for (var p = 0; p < parameters.Count; p++)
                {
                    var total = TensorMemory.Floats(totals[p]);
                    var (start, length) = ElementRanges.Of(total.Length, thread, count);
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
}
