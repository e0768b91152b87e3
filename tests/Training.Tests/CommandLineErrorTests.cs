// Mistakes on the command line itself are `error:` lines that name the token and the help to read,
// like every other error of the tool (the hostile battery found bare System.CommandLine messages).
namespace MnistBn.Training.Tests;

public sealed class CommandLineErrorTests
{
    [Fact]
    public void Unknown_command_is_an_error_line_naming_it()
    {
        var (exitCode, error) = CliHarness.Run("frobnicate");
        Assert.Equal(1, exitCode);
        Assert.StartsWith("error: Required command was not provided; Unrecognized command or argument 'frobnicate'\n", error);
        Assert.Contains("usage: mnistbn <command> [options]; see 'mnistbn --help'", error);
    }

    [Fact]
    public void Unknown_option_names_the_option_and_the_commands_help()
    {
        var (exitCode, error) = CliHarness.Run("train", "--epochs", "3");
        Assert.Equal(1, exitCode);
        Assert.StartsWith("error: Unrecognized command or argument '--epochs'; Unrecognized command or argument '3'\n", error);
        Assert.Contains("usage: mnistbn train [options]; see 'mnistbn train --help'", error);
    }

    [Fact]
    public void Missing_argument_is_an_error_line()
    {
        var (exitCode, error) = CliHarness.Run("predict");
        Assert.Equal(1, exitCode);
        Assert.StartsWith("error: Required argument missing for command: 'predict'\n", error);
        Assert.Contains("usage: mnistbn predict <image>... [options]; see 'mnistbn predict --help'", error);
    }
}
