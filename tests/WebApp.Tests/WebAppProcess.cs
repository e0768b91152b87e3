// The built web app as a child process (`dotnet MnistBn.WebApp.dll`, the copy beside this test assembly),
// for what only a real process shows: its exit code, what it writes to stderr, how it takes SIGTERM.
using System.Diagnostics;
using System.Text;

namespace MnistBn.WebApp.Tests;

internal sealed class WebAppProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebAppProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>Starts the app with the fixture models, a free port and <paramref name="settings"/> (<c>--WebApp:Key=value</c>).</summary>
    public static WebAppProcess Start(params string[] settings)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "MnistBn.WebApp.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(dll);
        foreach (var setting in new[]
                 {
                     "--WebApp:Port=0",
                     $"--WebApp:Models:bn={FixtureModels.BatchNorm}",
                     $"--WebApp:Models:nobn={FixtureModels.NoBatchNorm}",
                 }.Concat(settings))
            start.ArgumentList.Add(setting);

        var app = new WebAppProcess(new Process { StartInfo = start });
        app._process.OutputDataReceived += (_, line) => app.OnStdout(line.Data);
        app._process.ErrorDataReceived += (_, line) => app.OnStderr(line.Data);
        app._process.Start();
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        return app;
    }

    /// <summary>The address from the app's "Now listening on:" log line.</summary>
    public async Task<Uri> ListeningAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_listening.Task, exited, Task.Delay(timeout));
        if (first != _listening.Task)
            throw new TimeoutException($"the app did not start listening within {timeout}; stdout:\n{Stdout}\nstderr:\n{Stderr}");
        return await _listening.Task;
    }

    /// <summary>Waits for the process to end (killing it after <paramref name="timeout"/>) and returns its exit code.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the app did not exit within {timeout}; stdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
        _process.WaitForExit(); // flushes the redirected streams
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM, as an orchestrator or <c>kill</c> does.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", $"-TERM {_process.Id}") ?? throw new InvalidOperationException("could not run kill");
        kill.WaitForExit();
    }

    public string Stdout
    {
        get { lock (_stdout) return _stdout.ToString(); }
    }

    public string Stderr
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    /// <summary>The non-empty lines the app wrote to stderr.</summary>
    public IReadOnlyList<string> StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private void OnStdout(string? line)
    {
        if (line is null)
            return;
        lock (_stdout)
            _stdout.AppendLine(line);
        const string marker = "Now listening on: ";
        var at = line.IndexOf(marker, StringComparison.Ordinal);
        if (at >= 0)
            _listening.TrySetResult(new Uri(line[(at + marker.Length)..].Trim()));
    }

    private void OnStderr(string? line)
    {
        if (line is null)
            return;
        lock (_stderr)
            _stderr.AppendLine(line);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
