// Paths that are not regular files, for the tests that every read refuses them: a FIFO (opening it for
// reading would block until a writer came) and a call that must finish within a deadline, so that a
// regression shows as a failed test rather than a test run that never ends.
using System.Diagnostics;

namespace MnistBn.TestSupport;

public static class SpecialFiles
{
    /// <summary>How long a refusal may take; opening a FIFO would block for ever.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>Makes a FIFO at <paramref name="path"/> with mkfifo(1); returns the path.</summary>
    public static string MakeFifo(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { RedirectStandardError = true })!;
        mkfifo.WaitForExit();
        if (mkfifo.ExitCode != 0)
            throw new InvalidOperationException($"mkfifo {path} failed: {mkfifo.StandardError.ReadToEnd()}");
        return path;
    }

    /// <summary>
    /// Runs <paramref name="action"/> on another thread and returns what it threw; fails if it does not
    /// finish within <see cref="Deadline"/> (the blocked thread is left behind, so the run still ends).
    /// </summary>
    public static TException ThrowsWithinDeadline<TException>(Action action) where TException : Exception
    {
        var run = Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (Task.WhenAny(run, Task.Delay(Deadline)).GetAwaiter().GetResult() != run)
            throw new TimeoutException($"still running after {Deadline.TotalSeconds} s: the read blocked");
        return run.Exception?.InnerException as TException
            ?? throw new InvalidOperationException(
                $"expected {typeof(TException).Name}, got {(object?)run.Exception?.InnerException ?? "no exception"}", run.Exception?.InnerException);
    }

    /// <summary>Runs <paramref name="function"/> on another thread and returns its result; fails if it does not finish within <see cref="Deadline"/>.</summary>
    public static T WithinDeadline<T>(Func<T> function)
    {
        var run = Task.Factory.StartNew(function, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (Task.WhenAny(run, Task.Delay(Deadline)).GetAwaiter().GetResult() != run)
            throw new TimeoutException($"still running after {Deadline.TotalSeconds} s: a read blocked");
        return run.GetAwaiter().GetResult();
    }
}
