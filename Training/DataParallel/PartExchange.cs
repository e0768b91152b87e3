// The meeting point of the parts of a split batch: each round, every part puts in its per-channel sums,
// waits until all have, and takes the total. The totals are added in part order, so they do not depend
// on which thread arrives first (training stays deterministic for a given part count). Waiting is a
// spin: the parts do the same work on equal slices of the batch and usually arrive within microseconds
// of each other, and a kernel wait and wake-up would cost more than the whole BatchNorm layer. If one
// part fails, Abort releases the others (PartAbortedException) instead of leaving them waiting.
namespace MnistBn.Training.DataParallel;

/// <summary>Thrown in a part waiting for another part that has failed.</summary>
internal sealed class PartAbortedException() : Exception("another part of the batch failed");

/// <summary>Sums spans of doubles over a fixed number of threads, round after round.</summary>
internal sealed class PartExchange
{
    // Two sets of slots, used in alternate rounds: a part can only write round r + 2's values after
    // every part has arrived in round r + 1, that is, after all have read round r's.
    private readonly double[][][] _slots;
    private readonly int[][] _lengths; // values per slot in its current round (the arrays are reused, so they may be longer)
    private long _arrivals;
    private volatile bool _aborted;

    /// <summary>An exchange between <paramref name="parts"/> parts.</summary>
    public PartExchange(int parts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        Parts = parts;
        _slots = [new double[parts][], new double[parts][]];
        foreach (var set in _slots)
            Array.Fill(set, []);
        _lengths = [new int[parts], new int[parts]];
    }

    /// <summary>The number of parts that take part in every round.</summary>
    public int Parts { get; }

    /// <summary>
    /// Round <paramref name="round"/> (0, 1, 2, … per part) for part <paramref name="part"/>: replaces
    /// <paramref name="values"/> by the sum of all parts' values of that round.
    /// </summary>
    public void Sum(int part, Span<double> values, long round)
    {
        if (Parts == 1)
            return;
        var (slots, lengths) = (_slots[round & 1], _lengths[round & 1]);
        if (slots[part].Length < values.Length)
            slots[part] = new double[values.Length];
        values.CopyTo(slots[part]);
        lengths[part] = values.Length;
        Interlocked.Increment(ref _arrivals);
        var everyone = (round + 1) * Parts;
        var spinner = new SpinWait();
        while (Volatile.Read(ref _arrivals) < everyone)
        {
            if (_aborted)
                throw new PartAbortedException();
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        for (var other = 0; other < Parts; other++)
        {
            if (lengths[other] != values.Length)
                throw new InvalidOperationException($"part {other} summed {lengths[other]} values in round {round}, part {part} {values.Length}: the parts are out of step");
        }
        for (var i = 0; i < values.Length; i++)
        {
            var total = 0.0;
            for (var other = 0; other < Parts; other++)
                total += slots[other][i];
            values[i] = total;
        }
    }

    /// <summary>Releases every waiting part with a <see cref="PartAbortedException"/> (after a failure in one).</summary>
    public void Abort() => _aborted = true;

    /// <summary>Starts again at round 0; only while no part is inside <see cref="Sum"/>.</summary>
    public void Reset()
    {
        _arrivals = 0;
        _aborted = false;
    }
}
