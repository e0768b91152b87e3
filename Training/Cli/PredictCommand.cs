// `mnistbn predict <image>...`: the digit and top-3 probabilities of each image through the ML.NET
// pipeline (DigitClassifier), from one model or, with --both, from every exported variant. A bad
// image is reported and the others are still predicted; the exit code is 1 if any failed.
using System.CommandLine;
using System.Globalization;
using MnistBn.Training.OnnxEvaluation;
using MnistBn.Inference;

namespace MnistBn.Training.Cli;

internal static class PredictCommand
{
    private static readonly Argument<FileInfo[]> Images = new("image")
    {
        Description = "Image files (PNG, JPEG, BMP, GIF, WebP; any size, gray or colour).",
        Arity = ArgumentArity.OneOrMore,
    };

    private static readonly Option<FileInfo[]> Models = new("--model")
    {
        Description = "ONNX model to use (repeatable); default: lenet-bn.onnx in export.directory.",
    };

    private static readonly Option<bool> Both = new("--both")
    {
        Description = "Predict with every exported variant (lenet-<variant>.onnx for each of model.variants).",
    };

    private static readonly Option<string> Polarity = PolarityOption.Create();

    private static readonly Option<bool> Invert = PolarityOption.CreateInvert();

    public static Command Create()
    {
        var command = new Command("predict", "Predict the digit in image files: the digit (or 'blank' / 'too small to be a digit'), which way round the picture was read, and the top-3 probabilities.")
            .WithCommonOptions();
        command.Arguments.Add(Images);
        command.Options.Add(Models);
        command.Options.Add(Both);
        command.Options.Add(Polarity);
        command.Options.Add(Invert);
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var (config, root) = CommonOptions.Load(parse);
            var models = InferenceModels.Select(config, root, parse.GetValue(Models), parse.GetValue(Both));
            var options = ClassifierOptionsFromConfig.For(config.Evaluation, Console.Error.WriteLine) with
            {
                Polarity = PolarityOption.Of(parse, Polarity, Invert),
            };
            var failed = 0;
            foreach (var modelPath in models)
            {
                using var classifier = DigitClassifier.Create(modelPath, options);
                var name = InferenceModels.ShortName(modelPath);
                foreach (var image in parse.GetValue(Images) ?? [])
                {
                    try
                    {
                        var prediction = classifier.PredictFile(image.FullName);
                        var top = string.Join(", ", prediction.Top(3).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Digit}: {t.Probability:F4}")));
                        var reading = prediction.IsBlank ? "blank (no ink), no digit"
                            : prediction.IsTooSmall ? "too small to be a digit (a dot?), no digit"
                            : $"digit {prediction.Label}";
                        var polarity = prediction.Inverted ? "read as dark on light" : "read as light on dark";
                        Console.WriteLine($"{image.FullName}\t{name}\t{reading}\t{polarity}\ttop-3 {top}");
                    }
                    catch (Exception error) when (error is InvalidDataException or IOException)
                    {
                        failed++;
                        Console.Error.WriteLine($"error: {error.Message}");
                    }
                }
            }
            return failed == 0 ? 0 : 1;
        }));
        return command;
    }
}
