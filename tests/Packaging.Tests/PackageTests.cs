// The NuGet package as an app sees it: packed from this repository into a temporary local feed,
// referenced by a throwaway console app (local feed + the machine's usual sources), restored, built
// and run on a real exported model. Also pins what the package carries: XML docs, a README, and no
// TorchSharp anywhere in the consumer's dependency graph.
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using MnistBn.Inference;
using MnistBn.Shared;

namespace MnistBn.Packaging.Tests;

public sealed partial class PackageTests : IClassFixture<PackageTests.PackedFeed>
{
    private readonly PackedFeed _feed;

    public PackageTests(PackedFeed feed) => _feed = feed;

    /// <summary>Packs both packages once, with a version unique to this run (the global package cache never serves a stale copy).</summary>
    public sealed class PackedFeed : IDisposable
    {
        public PackedFeed()
        {
            Version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
            Folder = FixtureModels.TempFolder();
            Feed = Directory.CreateDirectory(Path.Combine(Folder, "feed")).FullName;
            var root = RepositoryPaths.FindRoot();
            foreach (var project in new[] { "Shared/MnistBn.Shared.csproj", "Inference/MnistBn.Inference.csproj" })
            {
                DotnetCli.Run(root, TimeSpan.FromMinutes(2), "pack", Path.Combine(root, project), "-c", Configuration,
                    "--no-build", "--no-restore", "-o", Feed, $"-p:Version={Version}");
            }
        }

        public string Version { get; }

        public string Folder { get; }

        public string Feed { get; }

        public string PackagePath(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

        public void Dispose()
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
                // The unique test versions restored into the global cache are removed again.
                var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env
                    ? env
                    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
                foreach (var id in new[] { "mnistbn.inference", "mnistbn.shared" })
                {
                    var cached = Path.Combine(cache, id, Version.ToLowerInvariant());
                    if (Directory.Exists(cached))
                        Directory.Delete(cached, recursive: true);
                    var idFolder = Path.GetDirectoryName(cached)!;
                    if (Directory.Exists(idFolder) && !Directory.EnumerateFileSystemEntries(idFolder).Any())
                        Directory.Delete(idFolder);
                }
            }
            catch (IOException)
            {
                // Temporary files only; never fail a test run over them.
            }
        }
    }

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public void Inference_package_carries_xml_docs_readme_and_no_torchsharp()
    {
        using var package = ZipFile.OpenRead(_feed.PackagePath("MnistBn.Inference"));
        var entries = package.Entries.Select(e => e.FullName).ToList();
        var nuspec = Nuspec(package);
        var dependencies = Dependencies(nuspec);

        Assert.Contains("lib/net10.0/MnistBn.Inference.dll", entries);
        Assert.Contains("lib/net10.0/MnistBn.Inference.xml", entries);
        Assert.Contains("README.md", entries);
        Assert.Equal("README.md", nuspec.Descendants().Single(e => e.Name.LocalName == "readme").Value);
        Assert.Contains(("MnistBn.Shared", _feed.Version), dependencies);
        Assert.Contains(dependencies, d => d.Id == "Microsoft.ML.OnnxRuntime");
        Assert.DoesNotContain(dependencies, d => d.Id.Contains("Torch", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Shared_package_carries_xml_docs_readme_and_no_ml_dependency()
    {
        using var package = ZipFile.OpenRead(_feed.PackagePath("MnistBn.Shared"));
        var entries = package.Entries.Select(e => e.FullName).ToList();

        Assert.Contains("lib/net10.0/MnistBn.Shared.xml", entries);
        Assert.Contains("README.md", entries);
        Assert.Equal(["YamlDotNet"], Dependencies(Nuspec(package)).Select(d => d.Id));
    }

    [Fact]
    public void Throwaway_app_restores_the_package_from_a_local_feed_and_predicts()
    {
        var app = Directory.CreateDirectory(Path.Combine(_feed.Folder, "consumer")).FullName;
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="mnistbn-local" value="{_feed.Feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <!-- ImageAnalytics 5.0.1 asks for SkiaSharp 2.88.8, not served; 2.88.9 resolves. -->
                <NoWarn>NU1603</NoWarn>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="MnistBn.Inference" Version="{_feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using MnistBn.Inference;

            using var classifier = DigitClassifier.Create(args[0]);
            var pixels = new byte[784];
            for (var y = 4; y < 24; y++)
                for (var x = 13; x < 16; x++)
                    pixels[y * 28 + x] = 255;
            var p = classifier.PredictPixels(pixels);
            Console.WriteLine($"prediction: digit={p.Digit} confidence={p.Confidence:R}");
            """);

        var output = DotnetCli.Run(app, TimeSpan.FromMinutes(3), "run", "-c", "Release", "--", FixtureModels.BatchNorm);

        var match = PredictionLine().Match(output);
        Assert.True(match.Success, output);
        var expected = ExpectedPrediction();
        Assert.Equal(expected.Digit, int.Parse(match.Groups["digit"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected.Confidence, float.Parse(match.Groups["confidence"].Value, System.Globalization.CultureInfo.InvariantCulture), 1e-6f);

        var assets = File.ReadAllText(Path.Combine(app, "obj", "project.assets.json"));
        Assert.Contains($"MnistBn.Inference/{_feed.Version}", assets);
        Assert.DoesNotContain("TorchSharp", assets, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("libtorch", assets, StringComparison.OrdinalIgnoreCase);
    }

    private static DigitPrediction ExpectedPrediction()
    {
        var pixels = new byte[ModelContract.PixelCount];
        for (var y = 4; y < 24; y++)
            for (var x = 13; x < 16; x++)
                pixels[y * ModelContract.Width + x] = 255;
        using var classifier = DigitClassifier.Create(FixtureModels.BatchNorm);
        return classifier.PredictPixels(pixels);
    }

    private static XDocument Nuspec(ZipArchive package)
    {
        using var stream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(stream);
    }

    private static List<(string Id, string Version)> Dependencies(XDocument nuspec) =>
        [.. nuspec.Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => ((string)e.Attribute("id")!, (string)e.Attribute("version")!))];

    [GeneratedRegex(@"prediction: digit=(?<digit>\d) confidence=(?<confidence>[0-9.Ee+-]+)")]
    private static partial Regex PredictionLine();
}
