// Runs the `mnistbn` command line in-process, as Program does, and captures what it writes.
// Console.Error is process-wide: test classes run in parallel, so one run at a time (without the lock,
// one class restored stderr while another's command was still writing to its capture).
using MnistBn.Training.Cli;

namespace MnistBn.Training.Tests;

internal static class CliHarness
{
    private static readonly Lock ConsoleGate = new();

    /// <summary>Parses and invokes <paramref name="args"/>; returns the exit code and the captured standard error.</summary>
    public static (int ExitCode, string Error) Run(params string[] args)
    {
        var (exitCode, _, error) = RunCapturingOutput(args);
        return (exitCode, error);
    }

    /// <summary>As <see cref="Run"/>, also capturing standard output.</summary>
    public static (int ExitCode, string Output, string Error) RunCapturingOutput(params string[] args)
    {
        using var exclusive = ConsoleGate.EnterScope();
        var (output, error) = (new StringWriter(), new StringWriter());
        var (originalOutput, originalError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            return (CommandLineRunner.Run(args), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(originalOutput);
            Console.SetError(originalError);
        }
    }
}
