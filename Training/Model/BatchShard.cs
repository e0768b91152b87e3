// One thread's part of a training batch that is split over several threads (Loop/ShardedBatch.cs).
// Everything in the network works per sample except training-mode BatchNorm, whose statistics and
// backward sums run over the whole batch: BatchNorm finds the shard of the calling thread here and
// adds up its per-channel sums over all shards (ShardAllReduce) before using them, so a split batch
// is normalised exactly like the whole batch. Outside a split batch, Current is null and BatchNorm
// works on its input alone.
namespace MnistBn.Training.Model;

/// <summary>The part <see cref="Index"/> of <see cref="Count"/> of a batch that the current thread trains on.</summary>
internal sealed class BatchShard
{
    [ThreadStatic]
    private static BatchShard? s_current;

    private readonly ShardAllReduce _exchange;
    private long _round;

    private BatchShard(int index, ShardAllReduce exchange)
    {
        Index = index;
        _exchange = exchange;
    }

    /// <summary>The shard of the calling thread, or null outside a split batch.</summary>
    public static BatchShard? Current => s_current;

    /// <summary>0-based position among the shards; shard 0 alone updates shared state (running statistics).</summary>
    public int Index { get; }

    /// <summary>How many shards the batch is split into.</summary>
    public int Count => _exchange.Participants;

    /// <summary>
    /// Makes the calling thread shard <paramref name="index"/> of <paramref name="exchange"/>'s batch until
    /// the returned scope is disposed. Every shard must then make the same sequence of <see cref="SumOverBatch"/> calls.
    /// </summary>
    public static IDisposable Enter(int index, ShardAllReduce exchange)
    {
        if (s_current is not null)
            throw new InvalidOperationException("this thread is already training a shard of a batch");
        s_current = new BatchShard(index, exchange);
        return new Scope();
    }

    /// <summary>Replaces each value by its sum over all shards (added in shard order, so every shard gets the same bits).</summary>
    public void SumOverBatch(Span<double> values) => _exchange.Sum(Index, values, _round++);

    private sealed class Scope : IDisposable
    {
        public void Dispose() => s_current = null;
    }
}
