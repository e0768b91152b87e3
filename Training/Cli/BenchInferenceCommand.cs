// `mnistbn bench-inference`: throughput of batch scoring over the MNIST test set through the ML.NET
// pipeline and through plain ONNX Runtime, and single-prediction latency (p50/p99) from an
// in-memory 28×28 buffer and from a PNG file. Numbers for the closing note come from here, never
// from timed unit tests. Run it in Release: `dotnet run -c Release --project Training -- bench-inference`.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MnistBn.Training.OnnxEvaluation;
using MnistBn.Inference;
using MnistBn.Shared.Data;
using SkiaSharp;

namespace MnistBn.Training.Cli;

internal static class BenchInferenceCommand
{
    private static readonly Option<FileInfo?> Model = new("--model")
    {
        Description = "ONNX model to benchmark; default: lenet-bn.onnx in export.directory.",
    };

    private static readonly Option<int> Repeat = new("--repeat")
    {
        Description = "Timed passes over the test set per scorer (the machine is shared: repeat and compare).",
        DefaultValueFactory = _ => 5,
    };

    private static readonly Option<int> Samples = new("--samples")
    {
        Description = "Timed single predictions per latency measurement.",
        DefaultValueFactory = _ => 20_000,
    };

    public static Command Create()
    {
        var command = new Command("bench-inference", "Benchmark inference: batch throughput (ML.NET vs direct ONNX Runtime) and single-prediction latency p50/p99.")
            .WithCommonOptions();
        command.Options.Add(Model);
        command.Options.Add(Repeat);
        command.Options.Add(Samples);
        command.SetAction((parse, cancel) => CliErrors.GuardAsync(async () =>
        {
            var (config, root) = CommonOptions.Load(parse);
            var model = parse.GetValue(Model)?.FullName ?? InferenceModels.Select(config, root, null, all: false)[0];
            var repeat = Math.Max(1, parse.GetValue(Repeat));
            var samples = Math.Max(100, parse.GetValue(Samples));
            var dataDir = await new MnistFetcher(config.Data, root, Console.WriteLine).EnsureAsync(cancel);
            var test = MnistDataset.LoadTest(dataDir, config.Data.Files);
            var options = ClassifierOptionsFromConfig.For(config.Evaluation, Console.Error.WriteLine);

#if DEBUG
            Console.WriteLine("warning: Debug build; benchmark with -c Release");
#endif
            Console.WriteLine($"model {model}; {test.Count} test images; {Environment.ProcessorCount} cores; .NET {Environment.Version}; device {config.Evaluation.Device}");
            using var evaluator = ModelEvaluator.Create(model, options);
            using var direct = new DirectOnnxScorer(model, config.Evaluation.BatchSize);
            using var classifier = DigitClassifier.Create(model, options);

            Throughput("ML.NET Transform (in-memory MLImage)", test.Count, repeat, () => evaluator.Score(test), cancel);
            Throughput($"direct ONNX Runtime (batch {config.Evaluation.BatchSize})", test.Count, repeat, () => direct.Score(test.Pixels), cancel);

            Latency("single prediction, in-memory 28×28 buffer", samples, i => classifier.PredictPixels(test.Image(i % test.Count)), cancel);
            var folder = Directory.CreateTempSubdirectory("mnistbn-bench-");
            try
            {
                var files = Enumerable.Range(0, 100).Select(i => WritePng(folder.FullName, test, i)).ToArray();
                Latency("single prediction, PNG file (read + decode + predict)", samples, i => classifier.PredictFile(files[i % files.Length]), cancel);
            }
            finally
            {
                folder.Delete(recursive: true);
            }
            return 0;
        }, cancel));
        return command;
    }

    // Ctrl-C stops between passes and between predictions (see Interruption): never inside ONNX Runtime.
    private static void Throughput(string what, int images, int repeat, Action run, CancellationToken cancel)
    {
        run(); // warm-up: JIT, ONNX Runtime's first-run allocations
        var rates = new List<double>();
        for (var r = 0; r < repeat; r++)
        {
            cancel.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            run();
            rates.Add(images / clock.Elapsed.TotalSeconds);
        }
        rates.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: median {rates[rates.Count / 2]:F0} images/s, best {rates[^1]:F0}, worst {rates[0]:F0} ({repeat} passes of {images})"));
    }

    private static void Latency(string what, int samples, Action<int> predict, CancellationToken cancel)
    {
        for (var i = 0; i < Math.Min(samples, 2_000); i++)
            predict(i);
        var ticks = new long[samples];
        for (var i = 0; i < samples; i++)
        {
            if (i % 1000 == 0)
                cancel.ThrowIfCancellationRequested();
            var start = Stopwatch.GetTimestamp();
            predict(i);
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }
        Array.Sort(ticks);
        double Micro(double q) => ticks[(int)Math.Min(samples - 1, q * samples)] * 1e6 / Stopwatch.Frequency;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: p50 {Micro(0.50):F1} µs, p90 {Micro(0.90):F1} µs, p99 {Micro(0.99):F1} µs ({samples} predictions)"));
    }

    private static string WritePng(string folder, LabeledImages test, int index)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(test.Columns, test.Rows, SKColorType.Gray8, SKAlphaType.Opaque));
        var packed = new byte[bitmap.RowBytes * test.Rows];
        for (var y = 0; y < test.Rows; y++)
            test.Image(index).Slice(y * test.Columns, test.Columns).CopyTo(packed.AsSpan(y * bitmap.RowBytes));
        System.Runtime.InteropServices.Marshal.Copy(packed, 0, bitmap.GetPixels(), packed.Length);
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        var path = Path.Combine(folder, $"test{index:D5}.png");
        File.WriteAllBytes(path, png.ToArray());
        return path;
    }
}
