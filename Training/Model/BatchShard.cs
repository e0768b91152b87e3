// One thread's part of a training batch that is split over several threads (Loop/ShardedBatchStep.cs).
// Everything in the network works per sample except training-mode BatchNorm, whose statistics and
// backward sums run over the whole batch: BatchNorm finds the shard of the calling thread here and
// adds up its per-channel sums over all shards (ShardAllReduce) before using them, so a split batch
// is normalised exactly like the whole batch. Outside a split batch, Current is null and BatchNorm
// works on its input alone.
using System.Runtime.ExceptionServices;

namespace MnistBn.Training.Model;

/// <summary>The part <see cref="Index"/> of a split batch that the current thread trains on.</summary>
internal sealed class BatchShard
{
    [ThreadStatic]
    private static BatchShard? s_current;

    private readonly ShardAllReduce _exchange;
    private long _round;
    private ExceptionDispatchInfo? _failure;

    private BatchShard(int index, ShardAllReduce exchange)
    {
        Index = index;
        _exchange = exchange;
    }

    /// <summary>The shard of the calling thread, or null outside a split batch.</summary>
    public static BatchShard? Current => s_current;

    /// <summary>0-based position among the shards; shard 0 alone updates shared state (running statistics).</summary>
    public int Index { get; }

    /// <summary>
    /// Makes the calling thread shard <paramref name="index"/> of <paramref name="exchange"/>'s batch until
    /// the returned scope is disposed. Every shard must then make the same sequence of <see cref="SumOverBatch"/> calls.
    /// </summary>
    public static Scope Enter(int index, ShardAllReduce exchange)
    {
        if (s_current is not null)
            throw new InvalidOperationException("this thread is already training a shard of a batch");
        s_current = new BatchShard(index, exchange);
        return new Scope(s_current);
    }

    /// <summary>Replaces each value by its sum over all shards (added in shard order, so every shard gets the same bits).</summary>
    public void SumOverBatch(Span<double> values) => _exchange.Sum(Index, values, _round++);

    /// <summary>
    /// <see cref="SumOverBatch"/> for a backward pass, which LibTorch calls from native code, where an exception
    /// would end the process: a failed exchange (another shard failed, or the shards are out of step) is kept,
    /// the values are left as they are, and <see cref="ThrowIfFailed"/> rethrows it once autograd has returned.
    /// </summary>
    public void SumOverBatchInBackward(Span<double> values)
    {
        if (_failure is not null)
            return;
        try
        {
            SumOverBatch(values);
        }
        catch (Exception e) when (e is ShardAbortedException or InvalidOperationException)
        {
            _failure = ExceptionDispatchInfo.Capture(e);
            _exchange.Abort();
        }
    }

    /// <summary>Rethrows a failure kept by <see cref="SumOverBatchInBackward"/>.</summary>
    public void ThrowIfFailed() => _failure?.Throw();

    /// <summary>The time a thread trains a shard; <see cref="Shard"/> is the shard it trains.</summary>
    public sealed class Scope(BatchShard shard) : IDisposable
    {
        public BatchShard Shard { get; } = shard;

        public void Dispose() => s_current = null;
    }
}
