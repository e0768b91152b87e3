// The TorchSharp exporter as a stranger uses it: a throwaway console app outside the repository that
// references only MnistBn.OnnxExport.TorchSharp (from the test feed), TorchSharp-cpu (its own choice of
// LibTorch backend) and ONNX Runtime, defines a CNN of its own (not one of the study's), trains it a few
// Adam steps so the BatchNorm statistics move, exports it with one call and checks the file in ONNX
// Runtime against eager TorchSharp. The app's build output (LibTorch, ~1–2 GB) lives under the feed's
// temporary folder, which the fixture removes.
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace MnistBn.Packaging.Tests;

[Collection(PackedFeedCollection.Name)]
public sealed partial class TorchSharpExporterConsumerTests
{
    private readonly PackedFeed _feed;
    private readonly ITestOutputHelper _output;

    public TorchSharpExporterConsumerTests(PackedFeed feed, ITestOutputHelper output) => (_feed, _output) = (feed, output);

    [Fact]
    public void App_exports_its_own_trained_cnn_in_one_call_and_onnx_runtime_matches_eager_torchsharp()
    {
        var app = _feed.ConsumerApp("torchsharp-consumer", ConsumerProgram,
            ("MnistBn.OnnxExport.TorchSharp", _feed.Version),
            ("TorchSharp-cpu", _feed.CentralVersion("TorchSharp-cpu")),
            ("Microsoft.ML.OnnxRuntime", _feed.CentralVersion("Microsoft.ML.OnnxRuntime")));
        var model = Path.Combine(app, "small-cnn.onnx");

        var clock = Stopwatch.StartNew();
        DotnetCli.Run(app, TimeSpan.FromMinutes(6), "build", "-c", "Release");
        var built = clock.Elapsed;
        var output = DotnetCli.Run(app, TimeSpan.FromMinutes(3), "run", "-c", "Release", "--no-build", "--", model);
        _output.WriteLine($"restore+build {built.TotalSeconds:F1} s, run {(clock.Elapsed - built).TotalSeconds:F1} s");
        _output.WriteLine(output);

        Assert.Matches(NativesLine(), output);
        var trained = TrainedLine().Match(output);
        Assert.True(trained.Success, output);
        Assert.True(double.Parse(trained.Groups["moved"].Value, CultureInfo.InvariantCulture) > 1e-3,
            $"BatchNorm running statistics should have moved away from (0, 1) in training:\n{output}");
        var compared = ComparedLine().Match(output);
        Assert.True(compared.Success, output);
        var maxDelta = double.Parse(compared.Groups["delta"].Value, CultureInfo.InvariantCulture);
        Assert.True(maxDelta <= 1e-5, $"max |onnx - eager| = {maxDelta:R} > 1e-5:\n{output}");
        Assert.Equal("8x5", compared.Groups["shape"].Value);
        var lines = UserCodeLine().Match(output);
        Assert.True(lines.Success, output);
        Assert.Equal("1", lines.Groups["export"].Value);

        // The file itself: BatchNorm folded away, the convolutions and the classifier still there.
        var graph = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(model)).Graph;
        var ops = graph.Node.Select(n => n.OpType).ToList();
        Assert.DoesNotContain("BatchNormalization", ops);
        Assert.Equal(2, ops.Count(op => op == "Conv"));
        Assert.Contains("Gemm", ops);

        // Only what the app asked for: the exporter, TorchSharp with the app's backend, ONNX Runtime — none of the study.
        var assets = File.ReadAllText(Path.Combine(app, "obj", "project.assets.json"));
        Assert.Contains($"MnistBn.OnnxExport.TorchSharp/{_feed.Version}", assets);
        Assert.Contains($"MnistBn.OnnxExport/{_feed.Version}", assets);
        foreach (var absent in new[] { "MnistBn.Shared", "MnistBn.Contract", "MnistBn.Inference", "YamlDotNet" })
            Assert.DoesNotContain(absent, assets, StringComparison.OrdinalIgnoreCase);
    }

    // Lines that use the exporter package end in "// [pkg]"; the app counts them (and its own code lines)
    // from its source file. The export itself is one line.
    private const string ConsumerProgram = """
        using System.Diagnostics;
        using System.Runtime.CompilerServices;
        using Microsoft.ML.OnnxRuntime;
        using MnistBn.OnnxExport.TorchSharp; // [pkg]
        using TorchSharp;
        using static TorchSharp.torch;

        Console.WriteLine($"natives: {TorchSharpNatives.EnsureLoadable()}"); // [pkg]
        var path = args[0];
        var clock = Stopwatch.StartNew();
        torch.manual_seed(42);

        // A model of our own: 3×16×16 images, 5 classes.
        var model = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding: 1, bias: false),
            nn.BatchNorm2d(8),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding: 1),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
            nn.Dropout(0.2),
            nn.Linear(16, 5));

        var optimizer = optim.Adam(model.parameters(), 0.01);
        model.train();
        for (var step = 0; step < 10; step++)
        {
            using var scope = NewDisposeScope();
            var (images, labels) = (randn(16, 3, 16, 16) * 2 + 0.5, randint(0, 5, [16]));
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(images), labels);
            loss.backward();
            optimizer.step();
        }
        model.eval();
        var moved = model.modules().OfType<TorchSharp.Modules.BatchNorm2d>()
            .Max(bn => Math.Max(bn.running_mean!.abs().max().item<float>(), (bn.running_var! - 1).abs().max().item<float>()));
        Console.WriteLine($"trained: steps=10 bn-moved={moved.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} ({clock.ElapsedMilliseconds} ms)");

        clock.Restart();
        model.ExportOnnx(path, [3, 16, 16]); // [pkg]
        Console.WriteLine($"exported: {path} {new FileInfo(path).Length} bytes ({clock.ElapsedMilliseconds} ms)");

        const int batch = 8;
        var x = randn(batch, 3, 16, 16);
        float[] eager;
        using (no_grad())
            eager = model.call(x).data<float>().ToArray();
        using var session = new InferenceSession(path);
        using var input = OrtValue.CreateTensorValueFromMemory(x.data<float>().ToArray(), [batch, 3, 16, 16]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [session.InputNames[0]], [input], [session.OutputNames[0]]);
        var onnx = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        var shape = string.Join("x", outputs[0].GetTensorTypeAndShape().Shape);
        var maxDelta = onnx.Length == eager.Length ? onnx.Zip(eager, (a, b) => Math.Abs(a - b)).Max() : float.PositiveInfinity;
        Console.WriteLine($"compared: shape={shape} max|delta|={maxDelta.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}");

        var (packageLines, codeLines, exportLines) = CountLines();
        Console.WriteLine($"user-code: export={exportLines} package-lines={packageLines} program-lines={codeLines}");

        static (int Package, int Code, int Export) CountLines([CallerFilePath] string file = "")
        {
            var lines = File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("//")).ToList();
            var package = lines.Where(l => l.EndsWith("// [pkg]")).ToList();
            return (package.Count, lines.Count, package.Count(l => l.Contains(".ExportOnnx(")));
        }
        """;

    [GeneratedRegex(@"^natives: TorchSharp.*$", RegexOptions.Multiline)]
    private static partial Regex NativesLine();

    [GeneratedRegex(@"trained: steps=\d+ bn-moved=(?<moved>[0-9.Ee+-]+)")]
    private static partial Regex TrainedLine();

    [GeneratedRegex(@"compared: shape=(?<shape>\S+) max\|delta\|=(?<delta>[0-9.Ee+-]+|∞|Infinity|NaN)")]
    private static partial Regex ComparedLine();

    [GeneratedRegex(@"user-code: export=(?<export>\d+) package-lines=(?<package>\d+) program-lines=(?<code>\d+)")]
    private static partial Regex UserCodeLine();
}
