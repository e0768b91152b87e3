// The threads that train the parts of a split batch (SplitBatchStep): the calling thread runs part 0
// and K − 1 long-lived workers run the others. A batch takes a few milliseconds, so the hand-over has
// to cost microseconds: workers spin for a moment after each job (the next one usually arrives within
// that time) and only then block, where the thread pool's wake-ups would cost a sizeable share of a
// batch. Each job is one immutable object that a worker reads once, so a worker that sits out a
// job with fewer parts can never mix it up with the next. A failing part aborts the exchange, so that
// no other part keeps waiting for it, and its exception is rethrown on the calling thread.
using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace MnistBn.Training.DataParallel;

/// <summary>Runs an action once per part, in parallel, on the caller plus dedicated worker threads.</summary>
internal sealed class PartThreads : IDisposable
{
    private static readonly long SpinTicks = Stopwatch.Frequency / 1000; // 1 ms, then block

    private readonly Thread[] _workers;
    private readonly Exception?[] _failures;
    private readonly object _gate = new();
    private readonly PartExchange _everyThread; // RunOnEveryThread's exchange: none of its work waits on another thread
    private Job _job = new(0, 0, _ => { }, new PartExchange(1));
    private int _pending;
    private volatile bool _disposed;

    /// <summary>Starts <paramref name="parts"/> − 1 worker threads.</summary>
    public PartThreads(int parts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        Parts = parts;
        _everyThread = new PartExchange(parts);
        _failures = new Exception?[parts];
        _workers = new Thread[parts - 1];
        for (var i = 0; i < _workers.Length; i++)
        {
            var part = i + 1;
            _workers[i] = new Thread(() => WorkerLoop(part)) { IsBackground = true, Name = $"mnistbn part {part}" };
            _workers[i].Start();
        }
    }

    /// <summary>Threads available, the caller's included.</summary>
    public int Parts { get; }

    /// <summary>
    /// Runs <paramref name="work"/>(s) for s = 0 … <paramref name="count"/> − 1 (at most <see cref="Parts"/>),
    /// part 0 on the calling thread, and returns when all have finished. If any fails, <paramref name="exchange"/>
    /// is aborted and the first failure (in part order, other than the resulting aborts) is rethrown.
    /// </summary>
    public void Run(int count, PartExchange exchange, Action<int> work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Parts);
        Array.Clear(_failures);
        var job = new Job(_job.Generation + 1, count, work, exchange);
        Volatile.Write(ref _pending, count - 1);
        lock (_gate)
        {
            Volatile.Write(ref _job, job);
            Monitor.PulseAll(_gate);
        }
        // Workers beyond count see the new job too and sit it out (their part is not in it).
        Execute(job, 0);
        var spinner = new SpinWait();
        while (Volatile.Read(ref _pending) > 0)
            spinner.SpinOnce(sleep1Threshold: -1);
        var failure = _failures.FirstOrDefault(f => f is not null and not PartAbortedException) ?? _failures.FirstOrDefault(f => f is not null);
        if (failure is not null)
            ExceptionDispatchInfo.Capture(failure).Throw();
    }

    /// <summary>
    /// Runs <paramref name="action"/>(thread, threads) once on every thread, for element-wise work split into
    /// disjoint <see cref="ElementRanges"/> (summing the parts' gradients, SinglePassAdam's update).
    /// </summary>
    public void RunOnEveryThread(Action<int, int> action)
    {
        _everyThread.Reset();
        Run(Parts, _everyThread, thread => action(thread, Parts));
    }

    private void Execute(Job job, int part)
    {
        if (part >= job.Count)
            return;
        try
        {
            job.Work(part);
        }
        catch (Exception e)
        {
            _failures[part] = e;
            job.Exchange.Abort();
        }
        if (part > 0)
            Interlocked.Decrement(ref _pending);
    }

    private void WorkerLoop(int part)
    {
        long seen = 0;
        while (true)
        {
            var spinUntil = Stopwatch.GetTimestamp() + SpinTicks;
            while (Volatile.Read(ref _job).Generation == seen && !_disposed)
            {
                if (Stopwatch.GetTimestamp() < spinUntil)
                {
                    Thread.SpinWait(30);
                    continue;
                }
                lock (_gate)
                {
                    while (Volatile.Read(ref _job).Generation == seen && !_disposed)
                        Monitor.Wait(_gate);
                }
            }
            if (_disposed)
                return;
            var job = Volatile.Read(ref _job);
            seen = job.Generation;
            Execute(job, part);
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

    /// <summary>One call of <see cref="Run"/>: which parts take part, what they run, the exchange to abort on failure.</summary>
    private sealed record Job(long Generation, int Count, Action<int> Work, PartExchange Exchange);
}
