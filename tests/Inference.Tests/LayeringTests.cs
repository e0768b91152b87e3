// The library apps embed must not drag in LibTorch: it references neither Training nor TorchSharp.
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
}
