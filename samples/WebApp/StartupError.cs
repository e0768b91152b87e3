// What Program.cs prints when the app fails to start: one line, never a stack trace. The person who
// started the app needs the cause and the setting to change, not the frames. The app's own checks
// throw InvalidOperationException with a message written for that person; anything else is unexpected
// and keeps its exception type, so it stays recognisable (and searchable) in the one line.
namespace MnistBn.WebApp;

public static class StartupError
{
    /// <summary>The one line for stderr, starting with <c>error: </c>.</summary>
    public static string Describe(Exception error)
    {
        if (error is AggregateException { InnerExceptions.Count: 1 } aggregate)
            error = aggregate.InnerExceptions[0];
        var message = error is InvalidOperationException
            ? error.Message
            : $"unexpected {error.GetType().FullName} while starting: {error.Message}";
        return "error: " + string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
