// `mnistbn predict` with its defaults reads real MNIST test digits the right way round whether they
// are light on dark (as MNIST) or dark on light (as on paper), says which, and flags a dot.
using MnistBn.Shared;
using MnistBn.TestSupport;

namespace MnistBn.Training.Tests;

public sealed class PredictPolarityTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mnistbn-predict-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Mnist_pngs_both_ways_round_are_read_correctly_with_defaults()
    {
        var test = await MnistTestData.TestSetAsync();
        var model = Path.Combine(RepositoryPaths.FindRoot(), "models", "lenet-bn.onnx");
        var files = new List<(string Path, int Digit, bool Inverted)>();
        for (var i = 0; i < 5; i++)
        {
            files.Add((Write($"{i}-light-on-dark.png", TestImages.GrayPng(test.Image(i))), test.Labels[i], false));
            files.Add((Write($"{i}-dark-on-light.png", TestImages.GrayPng(TestImages.Invert(test.Image(i)))), test.Labels[i], true));
        }
        var dot = new byte[ModelContract.PixelCount];
        dot[14 * 28 + 14] = dot[14 * 28 + 15] = dot[15 * 28 + 14] = dot[15 * 28 + 15] = 255;
        var dotFile = Write("dot.png", TestImages.GrayPng(dot));

        var (exitCode, output, error) = CliHarness.RunCapturingOutput(["predict", .. files.Select(f => f.Path), dotFile, "--model", model]);

        Assert.True(exitCode == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var (path, digit, inverted) in files)
        {
            var line = Assert.Single(lines, l => l.StartsWith(path + "\t", StringComparison.Ordinal));
            Assert.Contains($"\tdigit {digit}\t", line);
            Assert.Contains(inverted ? "read as dark on light" : "read as light on dark", line);
        }
        Assert.Contains("too small to be a digit", Assert.Single(lines, l => l.StartsWith(dotFile + "\t", StringComparison.Ordinal)));
    }

    private string Write(string name, byte[] png)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, png);
        return path;
    }
}
