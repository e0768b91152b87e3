// Pins what the two exporter packages carry and, above all, what they pull in: the core (MnistBn.OnnxExport)
// needs only the ONNX protobuf classes; the TorchSharp front end adds the core and TorchSharp itself — not
// TorchSharp-cpu/-cuda, so its users keep their choice of LibTorch backend — and neither drags in the
// study (MnistBn.Shared, MnistBn.Contract, YamlDotNet). Both ship XML docs, a README and the MIT license.
using System.IO.Compression;
using static MnistBn.Packaging.Tests.PackedFeed;

namespace MnistBn.Packaging.Tests;

[Collection(PackedFeedCollection.Name)]
public sealed class OnnxExportPackageTests
{
    private static readonly string[] StudyPackages = ["MnistBn.Shared", "MnistBn.Contract", "YamlDotNet"];

    private readonly PackedFeed _feed;

    public OnnxExportPackageTests(PackedFeed feed) => _feed = feed;

    [Fact]
    public void Core_package_depends_on_OnnxSharp_and_Google_Protobuf_only()
    {
        var dependencies = DependenciesOf("MnistBn.OnnxExport");

        Assert.Equal(
            [("Google.Protobuf", _feed.CentralVersion("Google.Protobuf")), ("OnnxSharp", _feed.CentralVersion("OnnxSharp"))],
            dependencies.Order());
    }

    [Fact]
    public void TorchSharp_package_depends_on_the_core_of_the_same_version_and_TorchSharp_not_a_backend()
    {
        var dependencies = DependenciesOf("MnistBn.OnnxExport.TorchSharp");

        Assert.Equal(
            [("MnistBn.OnnxExport", _feed.Version), ("TorchSharp", _feed.CentralVersion("TorchSharp"))],
            dependencies.Order());
        Assert.DoesNotContain(dependencies, d => d.Id.StartsWith("TorchSharp-", StringComparison.OrdinalIgnoreCase)
            || d.Id.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("MnistBn.OnnxExport")]
    [InlineData("MnistBn.OnnxExport.TorchSharp")]
    public void Exporter_package_has_none_of_the_study_packages(string id)
    {
        var dependencies = DependenciesOf(id);

        foreach (var study in StudyPackages)
            Assert.DoesNotContain(dependencies, d => string.Equals(d.Id, study, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("MnistBn.OnnxExport")]
    [InlineData("MnistBn.OnnxExport.TorchSharp")]
    public void Exporter_package_carries_its_assembly_xml_docs_readme_and_the_MIT_license_and_nothing_of_TorchSharp(string id)
    {
        using var package = ZipFile.OpenRead(_feed.PackagePath(id));
        var entries = package.Entries.Select(e => e.FullName).ToList();
        var nuspec = Nuspec(package);

        // Its own assembly and docs only: no TorchSharp.dll, no native libraries riding along.
        Assert.Equal([$"lib/net10.0/{id}.dll", $"lib/net10.0/{id}.xml"],
            entries.Where(e => e.StartsWith("lib/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(entries, e => e.StartsWith("runtimes/", StringComparison.Ordinal));
        Assert.Contains("README.md", entries);
        Assert.Equal("README.md", nuspec.Descendants().Single(e => e.Name.LocalName == "readme").Value);
        Assert.Equal("MIT", nuspec.Descendants().Single(e => e.Name.LocalName == "license").Value);
        Assert.Equal(id, nuspec.Descendants().Single(e => e.Name.LocalName == "id").Value);
        Assert.Equal(_feed.Version, nuspec.Descendants().Single(e => e.Name.LocalName == "version").Value);
    }

    private List<(string Id, string Version)> DependenciesOf(string id)
    {
        using var package = ZipFile.OpenRead(_feed.PackagePath(id));
        return Dependencies(Nuspec(package));
    }
}
