// Turns the project's expected failures (bad config, bad data, missing model) into one clear line
// on stderr and exit code 1, instead of a stack trace. A command stopped by Ctrl-C or SIGTERM (its
// token cancelled) is no failure: it returns Interrupted quietly, and CommandLineRunner says how to
// carry on and exits with the signal's code.
using MnistBn.Shared.Configuration;

namespace MnistBn.Training.Cli;

internal static class CliErrors
{
    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception error) when (IsUserFacing(error))
        {
            Console.Error.WriteLine($"error: {error.Message}");
            return 1;
        }
    }

    /// <summary>The exit code of a command that stopped because <c>cancel</c> was cancelled (CommandLineRunner replaces it by 130 or 143).</summary>
    public const int Interrupted = 130;

    /// <summary>As <see cref="Guard"/>; a cancellation of <paramref name="cancel"/> returns <see cref="Interrupted"/>.</summary>
    public static async Task<int> GuardAsync(Func<Task<int>> action, CancellationToken cancel = default)
    {
        try
        {
            return await action();
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return Interrupted;
        }
        catch (Exception error) when (IsUserFacing(error))
        {
            Console.Error.WriteLine($"error: {error.Message}");
            return 1;
        }
    }

    // Errors whose message is written for the user; anything else is a bug and keeps its stack trace.
    // IOException covers FileNotFound/DirectoryNotFound and "cannot write <path>: it is a directory".
    private static bool IsUserFacing(Exception error) =>
        error is ConfigException or InvalidDataException or IOException
            or UnauthorizedAccessException or OperationCanceledException or Inference.DeviceUnavailableException;
}
