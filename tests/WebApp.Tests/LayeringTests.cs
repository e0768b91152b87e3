// The web app embeds the prediction engine only: no Training, no TorchSharp, in its assembly or its
// dependency manifest (what a published app would carry).
using MnistBn.WebApp;

namespace MnistBn.WebApp.Tests;

public sealed class LayeringTests
{
    [Fact]
    public void Web_app_assembly_references_inference_but_neither_training_nor_torchsharp()
    {
        var references = typeof(WebAppHost).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();

        Assert.Contains("MnistBn.Inference", references);
        Assert.DoesNotContain(references, n => n.Contains("TorchSharp", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(references, n => n.Equals("mnistbn", StringComparison.OrdinalIgnoreCase) || n.Contains("Training"));
    }

    [Fact]
    public void Web_app_dependency_manifest_has_no_torchsharp()
    {
        var root = MnistBn.Shared.RepositoryPaths.FindRoot();
        var manifests = Directory.GetFiles(Path.Combine(root, "samples", "WebApp", "bin"), "MnistBn.WebApp.deps.json", SearchOption.AllDirectories);

        Assert.NotEmpty(manifests);
        foreach (var manifest in manifests)
        {
            var text = File.ReadAllText(manifest);
            Assert.DoesNotContain("TorchSharp", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("MnistBn.Training", text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
