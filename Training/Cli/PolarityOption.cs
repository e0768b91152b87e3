// The --polarity option of predict and evaluate (and --invert, its older shorthand): which way round
// the pictures' digits are. Automatic by default, as in the library.
using System.CommandLine;
using MnistBn.Inference;

namespace MnistBn.Training.Cli;

internal static class PolarityOption
{
    public static Option<string> Create() => new Option<string>("--polarity")
    {
        Description = "Which way round the digits are: auto (default: decided per picture from its border), light-on-dark (as MNIST) or dark-on-light.",
        DefaultValueFactory = _ => "auto",
    }.AcceptOnlyFromAmong([.. DigitPolarityNames.All]);

    public static Option<bool> CreateInvert() => new("--invert")
    {
        Description = "Shorthand for --polarity dark-on-light.",
    };

    /// <summary>The polarity the command line asks for (--invert wins over an absent --polarity).</summary>
    public static DigitPolarity Of(ParseResult parse, Option<string> polarity, Option<bool> invert) =>
        parse.GetValue(invert) ? DigitPolarity.DarkOnLight
        // The option accepts only the listed names, and defaults to auto.
        : DigitPolarityNames.TryParse(parse.GetValue(polarity), out var named) ? named : DigitPolarity.Auto;
}
