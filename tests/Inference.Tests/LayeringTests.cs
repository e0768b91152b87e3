// The library apps embed must not drag in LibTorch: it references neither Training nor TorchSharp,
// and neither do these tests (their fixture models come from the TorchSharp-free Shared/Network).
namespace MnistBn.Inference.Tests;

public sealed class LayeringTests
{
    [Fact]
    public void Inference_assembly_references_neither_training_nor_torchsharp()
    {
        var references = typeof(DigitClassifier).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();
        Assert.DoesNotContain(references, n => n.Contains("TorchSharp", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(references, n => n.Equals("mnistbn", StringComparison.OrdinalIgnoreCase) || n.Contains("Training"));
        Assert.Contains("Microsoft.ML.OnnxTransformer", references);
    }

    // The dependency manifest rather than a listing of the output folder: it is rewritten on every
    // build and is what the runtime loads from, while a file copied by an older build stays behind.
    [Fact]
    public void Test_output_carries_neither_training_nor_torchsharp()
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, $"{typeof(LayeringTests).Assembly.GetName().Name}.deps.json");
        Assert.True(File.Exists(manifest), $"no dependency manifest at {manifest}");
        var text = File.ReadAllText(manifest);

        Assert.Contains("\"MnistBn.Network/", text, StringComparison.Ordinal);
        Assert.DoesNotContain("TorchSharp", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("libtorch", text, StringComparison.OrdinalIgnoreCase);
        // Training's assembly is mnistbn.dll, its library "mnistbn/<version>".
        Assert.DoesNotContain("\"mnistbn/", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("mnistbn.dll", text, StringComparison.OrdinalIgnoreCase);
    }
}
