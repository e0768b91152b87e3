// `bench-training --profile`'s stopwatches, as wrappers around what a training step calls: the batch
// source (gather and augment) and the optimizer, so that the steps themselves carry no timing code.
// Times are taken on the thread that created the wrapper (the caller's, which trains part 0 of a split
// batch); calls from other threads pass through untimed.
using System.Diagnostics;
using MnistBn.Training.Loop;
using static TorchSharp.torch;

namespace MnistBn.Training.Benchmarks;

/// <summary>Seconds spent in <paramref name="inner"/>'s <c>Take</c>, summed.</summary>
internal sealed class TimedBatchSource(IBatchSource inner) : IBatchSource
{
    private readonly int _owner = Environment.CurrentManagedThreadId;

    public double Seconds { get; private set; }

    public (Tensor Images, Tensor Labels) Take(Tensor indices, Tensor? draws)
    {
        if (Environment.CurrentManagedThreadId != _owner)
            return inner.Take(indices, draws);
        var clock = Stopwatch.StartNew();
        var batch = inner.Take(indices, draws);
        Seconds += clock.Elapsed.TotalSeconds;
        return batch;
    }
}

/// <summary>Seconds spent in <paramref name="inner"/>'s <c>zero_grad</c> and <c>step</c>, summed.</summary>
internal sealed class TimedOptimizer(optim.Optimizer inner) : optim.Optimizer(IntPtr.Zero)
{
    public double Seconds { get; private set; }

    public override void zero_grad()
    {
        var clock = Stopwatch.StartNew();
        inner.zero_grad();
        Seconds += clock.Elapsed.TotalSeconds;
    }

    public override Tensor step(Func<Tensor>? closure = null)
    {
        var clock = Stopwatch.StartNew();
        var loss = inner.step(closure);
        Seconds += clock.Elapsed.TotalSeconds;
        return loss;
    }
}
