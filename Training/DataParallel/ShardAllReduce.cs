// The meeting point of the shards of a split batch: each round, every shard puts in its per-channel
// sums, waits until all have, and takes the total. The totals are added in shard order, so they do
// not depend on which thread arrives first (training stays deterministic for a given shard count).
// Waiting is a spin: the shards do the same work on equal parts and usually arrive within microseconds
// of each other, and a kernel wait and wake-up would cost more than the whole BatchNorm layer. If one
// shard fails, Abort releases the others (ShardAbortedException) instead of leaving them waiting.
namespace MnistBn.Training.DataParallel;

/// <summary>Thrown in a shard waiting for another shard that has failed.</summary>
internal sealed class ShardAbortedException() : Exception("another shard of the batch failed");

/// <summary>Sums spans of doubles over a fixed number of threads, round after round.</summary>
internal sealed class ShardAllReduce
{
    // Two sets of slots, used in alternate rounds: a shard can only write round r + 2's values after
    // every shard has arrived in round r + 1, that is, after all have read round r's.
    private readonly double[][][] _slots;
    private readonly int[][] _lengths; // values per slot in its current round (the arrays are reused, so they may be longer)
    private long _arrivals;
    private volatile bool _aborted;

    /// <summary>An exchange between <paramref name="participants"/> shards.</summary>
    public ShardAllReduce(int participants)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(participants, 1);
        Participants = participants;
        _slots = [new double[participants][], new double[participants][]];
        foreach (var set in _slots)
            Array.Fill(set, []);
        _lengths = [new int[participants], new int[participants]];
    }

    /// <summary>The number of shards that take part in every round.</summary>
    public int Participants { get; }

    /// <summary>
    /// Round <paramref name="round"/> (0, 1, 2, … per shard) for shard <paramref name="shard"/>: replaces
    /// <paramref name="values"/> by the sum of all shards' values of that round.
    /// </summary>
    public void Sum(int shard, Span<double> values, long round)
    {
        if (Participants == 1)
            return;
        var (slots, lengths) = (_slots[round & 1], _lengths[round & 1]);
        if (slots[shard].Length < values.Length)
            slots[shard] = new double[values.Length];
        values.CopyTo(slots[shard]);
        lengths[shard] = values.Length;
        Interlocked.Increment(ref _arrivals);
        var everyone = (round + 1) * Participants;
        var spinner = new SpinWait();
        while (Volatile.Read(ref _arrivals) < everyone)
        {
            if (_aborted)
                throw new ShardAbortedException();
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        for (var other = 0; other < Participants; other++)
        {
            if (lengths[other] != values.Length)
                throw new InvalidOperationException($"shard {other} summed {lengths[other]} values in round {round}, shard {shard} {values.Length}: the shards are out of step");
        }
        for (var i = 0; i < values.Length; i++)
        {
            var total = 0.0;
            for (var other = 0; other < Participants; other++)
                total += slots[other][i];
            values[i] = total;
        }
    }

    /// <summary>Releases every waiting shard with a <see cref="ShardAbortedException"/> (after a failure in one).</summary>
    public void Abort() => _aborted = true;

    /// <summary>Starts again at round 0; only while no shard is inside <see cref="Sum"/>.</summary>
    public void Reset()
    {
        _arrivals = 0;
        _aborted = false;
    }
}
