// Turns the project's expected failures (bad config, bad data, missing model) into one clear line
// on stderr and exit code 1, instead of a stack trace.
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

    public static async Task<int> GuardAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
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
