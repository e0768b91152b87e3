// The exporter is the part others can reuse without LibTorch: its assembly references no TorchSharp,
// and this test project (which references only it) gets no TorchSharp assembly in its output.
namespace MnistBn.Network.Tests;

public sealed class LayeringTests
{
    [Fact]
    public void Network_assembly_references_neither_torchsharp_nor_training()
    {
        var references = typeof(MnistBn.Network.Onnx.OnnxExporter).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();

        Assert.Contains("MnistBn.Shared", references);
        Assert.DoesNotContain(references, n => n.Contains("TorchSharp", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(references, n => n.Equals("mnistbn", StringComparison.OrdinalIgnoreCase) || n.Contains("Training"));
    }

    [Fact]
    public void Test_output_folder_has_no_torchsharp_or_libtorch()
    {
        var folder = AppContext.BaseDirectory;

        Assert.Empty(Directory.GetFiles(folder, "TorchSharp*.dll"));
        Assert.Empty(Directory.GetFiles(folder, "*torch*.so", SearchOption.AllDirectories));
    }
}
