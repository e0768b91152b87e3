// The threads that train the shards of a split batch (ShardedBatchStep): the calling thread runs
// shard 0 and K − 1 long-lived workers run the others. A batch takes a few milliseconds, so the
// hand-over has to cost microseconds: workers spin for a moment after each batch (the next one usually
// arrives within that time) and only then block; the thread pool's wake-ups cost ~0.3-0.6 ms per
// batch in a trial with Parallel.For. A failing shard aborts the exchange, so that no other shard
// keeps waiting for it, and its exception is rethrown on the calling thread.
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using MnistBn.Training.Model;

namespace MnistBn.Training.Loop;

/// <summary>Runs an action once per shard, in parallel, on the caller plus dedicated worker threads.</summary>
internal sealed class ShardThreads : IDisposable
{
    private static readonly long SpinTicks = Stopwatch.Frequency / 1000; // 1 ms, then block

    private readonly Thread[] _workers;
    private readonly Exception?[] _failures;
    private readonly object _gate = new();
    private Action<int>? _work;
    private ShardAllReduce? _exchange;
    private long _generation;
    private int _count;
    private int _pending;
    private volatile bool _disposed;

    /// <summary>Starts <paramref name="shards"/> − 1 worker threads.</summary>
    public ShardThreads(int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        Shards = shards;
        _failures = new Exception?[shards];
        _workers = new Thread[shards - 1];
        for (var i = 0; i < _workers.Length; i++)
        {
            var shard = i + 1;
            _workers[i] = new Thread(() => WorkerLoop(shard)) { IsBackground = true, Name = $"mnistbn shard {shard}" };
            _workers[i].Start();
        }
    }

    /// <summary>Threads available, the caller's included.</summary>
    public int Shards { get; }

    /// <summary>
    /// Runs <paramref name="work"/>(s) for s = 0 … <paramref name="count"/> − 1 (at most <see cref="Shards"/>),
    /// shard 0 on the calling thread, and returns when all have finished. If any fails, <paramref name="exchange"/>
    /// is aborted and the first failure (in shard order, other than the resulting aborts) is rethrown.
    /// </summary>
    public void Run(int count, ShardAllReduce exchange, Action<int> work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Shards);
        Array.Clear(_failures);
        _work = work;
        _exchange = exchange;
        _count = count;
        Volatile.Write(ref _pending, count - 1);
        lock (_gate)
        {
            _generation++;
            Monitor.PulseAll(_gate);
        }
        // Workers beyond count see the new generation too and skip it (their shard is not part of it).
        Execute(0, count);
        var spinner = new SpinWait();
        while (Volatile.Read(ref _pending) > 0)
            spinner.SpinOnce(sleep1Threshold: -1);
        var failure = _failures.FirstOrDefault(f => f is not null and not ShardAbortedException) ?? _failures.FirstOrDefault(f => f is not null);
        if (failure is not null)
            ExceptionDispatchInfo.Capture(failure).Throw();
    }

    private void Execute(int shard, int count)
    {
        if (shard >= count)
            return;
        try
        {
            _work!(shard);
        }
        catch (Exception e)
        {
            _failures[shard] = e;
            _exchange!.Abort();
        }
        if (shard > 0)
            Interlocked.Decrement(ref _pending);
    }

    private void WorkerLoop(int shard)
    {
        long seen = 0;
        while (true)
        {
            var spinUntil = Stopwatch.GetTimestamp() + SpinTicks;
            while (Volatile.Read(ref _generation) == seen && !_disposed)
            {
                if (Stopwatch.GetTimestamp() < spinUntil)
                {
                    Thread.SpinWait(30);
                    continue;
                }
                lock (_gate)
                {
                    while (Volatile.Read(ref _generation) == seen && !_disposed)
                        Monitor.Wait(_gate);
                }
            }
            if (_disposed)
                return;
            seen = Volatile.Read(ref _generation);
            Execute(shard, _count);
        }
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        lock (_gate)
            Monitor.PulseAll(_gate);
        foreach (var worker in _workers)
            worker.Join();
    }
}
