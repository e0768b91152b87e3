// How a training-mode BatchNorm layer sees the rest of its batch. Everything in the network works per
// sample except BatchNorm, whose statistics and backward sums run over the whole batch; when a batch is
// split over threads (SplitBatchStep), each part's forward call carries the reducer of its part, and
// BatchNorm adds its per-channel sums up over all parts through it before using them, so a split batch
// is normalised exactly like the whole batch. For one thread, WholeBatch leaves the sums as they are.
//
// The rule every part follows: each BatchNorm layer exchanges exactly once per direction — once in its
// forward pass (the statistics), once in its backward pass (the gradient sums) — in layer order, on every
// part. The exchange (PartExchange) counts rounds, so a part that skipped or added an exchange would
// pair its sums with another layer's; it detects that by the values' lengths and fails loudly.
using System.Runtime.ExceptionServices;

namespace MnistBn.Training.DataParallel;

/// <summary>Part <see cref="Part"/> of a batch, and the exchange that sums its BatchNorm statistics over all parts.</summary>
public sealed class BatchStatisticsReducer
{
    private readonly PartExchange _exchange;
    private long _round;
    private ExceptionDispatchInfo? _failure;

    /// <summary>The part <paramref name="part"/> of a batch split over <paramref name="exchange"/>'s parts.</summary>
    internal BatchStatisticsReducer(int part, PartExchange exchange)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(part);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(part, exchange.Parts);
        Part = part;
        _exchange = exchange;
    }

    /// <summary>The batch is not split: every sum is already the whole batch's (a no-op reducer).</summary>
    public static BatchStatisticsReducer WholeBatch { get; } = new(0, new PartExchange(1));

    /// <summary>0-based position among the parts; part 0 alone updates shared state (running statistics).</summary>
    public int Part { get; }

    /// <summary>Whether other parts take part in the sums.</summary>
    public bool IsSplit => _exchange.Parts > 1;

    /// <summary>Replaces each value by its sum over all parts (added in part order, so every part gets the same bits).</summary>
    public void SumOverBatch(Span<double> values)
    {
        if (IsSplit)
            _exchange.Sum(Part, values, _round++);
    }

    /// <summary>
    /// <see cref="SumOverBatch"/> for a backward pass, which LibTorch calls from native code, where an exception
    /// would end the process: a failed exchange (another part failed, or the parts are out of step) is kept,
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
        catch (Exception e) when (e is PartAbortedException or InvalidOperationException)
        {
            _failure = ExceptionDispatchInfo.Capture(e);
            _exchange.Abort();
        }
    }

    /// <summary>Rethrows a failure kept by <see cref="SumOverBatchInBackward"/>.</summary>
    public void ThrowIfFailed() => _failure?.Throw();
}
