// The real command line in a child process (this test build's mnistbn.dll), for what only a separate
// process shows: its exit code, what a signal does to it, a lock that another process holds.
using System.Diagnostics;

namespace MnistBn.Training.Tests;

internal sealed class ChildCli : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];

    private ChildCli(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the child wrote so far, stdout and stderr interleaved as they arrived.</summary>
    public string Output
    {
        get
        {
            lock (_lines)
                return string.Join('\n', _lines);
        }
    }

    /// <summary>Starts <c>mnistbn</c> with <paramref name="arguments"/>.</summary>
    public static ChildCli Start(params string[] arguments)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "mnistbn.dll");
        // Through `env --default-signal`: a test host started with SIGINT ignored (as a script's background
        // job is) would hand that on, and .NET leaves an ignored SIGINT ignored, as nohup expects.
        var start = new ProcessStartInfo("env", ["--default-signal", "dotnet", cli, .. arguments])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var child = new ChildCli(Process.Start(start)!);
        child._process.OutputDataReceived += (_, line) => child.Collect(line.Data);
        child._process.ErrorDataReceived += (_, line) => child.Collect(line.Data);
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits until <paramref name="path"/> exists; false if the child ended first or the time ran out.</summary>
    public async Task<bool> WaitForFileAsync(string path, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(path) && !_process.HasExited && clock.Elapsed < timeout)
            await Task.Delay(50);
        return File.Exists(path);
    }

    /// <summary>Sends <paramref name="signal"/> (INT, TERM, KILL) with kill(1).</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
    }

    /// <summary>The exit code, once the child has ended (it is killed when <paramref name="timeout"/> passes).</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            await SignalAsync("KILL");
            await _process.WaitForExitAsync();
            throw new TimeoutException($"mnistbn did not end within {timeout}: {Output}");
        }
        _process.WaitForExit(); // the redirected output is complete only after this overload
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    private void Collect(string? line)
    {
        lock (_lines)
            _lines.Add(line ?? "");
    }
}
