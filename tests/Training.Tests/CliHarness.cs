// Runs the `mnistbn` command line in-process, as Program does, and captures what it writes to stderr.
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
        using var exclusive = ConsoleGate.EnterScope();
        var error = new StringWriter();
        var originalError = Console.Error;
        Console.SetError(error);
        try
        {
            return (CommandLineRunner.Run(args), error.ToString());
        }
        finally
        {
            Console.SetError(originalError);
        }
    }
}
