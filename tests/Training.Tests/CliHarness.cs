// Runs the `mnistbn` command line in-process, as Program does, and captures what it writes to stderr.
using MnistBn.Training.Cli;

namespace MnistBn.Training.Tests;

internal static class CliHarness
{
    /// <summary>Parses and invokes <paramref name="args"/>; returns the exit code and the captured standard error.</summary>
    public static (int ExitCode, string Error) Run(params string[] args)
    {
        var error = new StringWriter();
        var originalError = Console.Error;
        Console.SetError(error);
        try
        {
            return (CommandCatalog.Root().Parse(args).Invoke(), error.ToString());
        }
        finally
        {
            Console.SetError(originalError);
        }
    }
}
