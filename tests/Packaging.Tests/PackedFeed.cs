// The packages as an app sees them: every packable project of the repository packed once per test run
// into a temporary local feed, with a version unique to the run (the global package cache never serves
// a stale copy), and shared by all test classes of this project through one xunit collection. Also the
// helpers the package tests share: throwaway consumer apps outside the repository, and reading a
// package's nuspec.
using System.IO.Compression;
using System.Xml.Linq;
using MnistBn.Shared;

namespace MnistBn.Packaging.Tests;

/// <summary>The test classes that share one <see cref="PackedFeed"/> (packing takes a while; do it once).</summary>
[CollectionDefinition(Name)]
public sealed class PackedFeedCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "Packed feed";
}

/// <summary>Packs the packable projects once into a temporary feed; removes the feed, the consumer apps and the cached test versions afterwards.</summary>
public sealed class PackedFeed : IDisposable
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    // Packed with --no-build: the test project references each of them, so they are built first.
    private static readonly string[] Projects =
    [
        "Shared/Contract/MnistBn.Contract.csproj",
        "Shared/MnistBn.Shared.csproj",
        "Inference/MnistBn.Inference.csproj",
        "OnnxExport/Core/MnistBn.OnnxExport.csproj",
        "OnnxExport/TorchSharp/MnistBn.OnnxExport.TorchSharp.csproj",
    ];

    private static readonly string[] PackageIds =
        ["MnistBn.Contract", "MnistBn.Shared", "MnistBn.Inference", "MnistBn.OnnxExport", "MnistBn.OnnxExport.TorchSharp"];

    public PackedFeed()
    {
        Version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        Folder = FixtureModels.TempFolder();
        Feed = Directory.CreateDirectory(Path.Combine(Folder, "feed")).FullName;
        Root = RepositoryPaths.FindRoot();
        foreach (var project in Projects)
        {
            DotnetCli.Run(Root, TimeSpan.FromMinutes(2), "pack", Path.Combine(Root, project), "-c", Configuration,
                "--no-build", "--no-restore", "-o", Feed, $"-p:Version={Version}");
        }
    }

    public string Version { get; }

    /// <summary>The run's temporary folder: the feed and every consumer app live under it.</summary>
    public string Folder { get; }

    public string Feed { get; }

    public string Root { get; }

    public string PackagePath(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    /// <summary>The version Directory.Packages.props pins for <paramref name="id"/> (a consumer app outside the repository names it explicitly).</summary>
    public string CentralVersion(string id)
    {
        var props = XDocument.Load(Path.Combine(Root, "Directory.Packages.props"));
        return props.Descendants("PackageVersion").Single(e => (string?)e.Attribute("Include") == id).Attribute("Version")!.Value;
    }

    /// <summary>
    /// A console app folder outside the repository (no central package management, no Directory.Build.props)
    /// whose nuget.config adds the test feed to the machine's usual sources, and which references exactly
    /// <paramref name="packages"/>.
    /// </summary>
    public string ConsumerApp(string name, string program, params (string Id, string Version)[] packages)
    {
        var app = Directory.CreateDirectory(Path.Combine(Folder, name)).FullName;
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="mnistbn-local" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
        var references = string.Join("\n", packages.Select(p => $"""    <PackageReference Include="{p.Id}" Version="{p.Version}" />"""));
        File.WriteAllText(Path.Combine(app, $"{name}.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
              </PropertyGroup>
              <ItemGroup>
            {references}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), program);
        return app;
    }

    public static XDocument Nuspec(ZipArchive package)
    {
        using var stream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(stream);
    }

    public static List<(string Id, string Version)> Dependencies(XDocument nuspec) =>
        [.. nuspec.Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => ((string)e.Attribute("id")!, (string)e.Attribute("version")!))];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Temporary files only; never fail a test run over them.
        }
        // The unique test versions restored into the global cache are removed again.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in PackageIds.Select(i => i.ToLowerInvariant()))
        {
            try
            {
                var cached = Path.Combine(cache, id, Version.ToLowerInvariant());
                if (Directory.Exists(cached))
                    Directory.Delete(cached, recursive: true);
                var idFolder = Path.GetDirectoryName(cached)!;
                if (Directory.Exists(idFolder) && !Directory.EnumerateFileSystemEntries(idFolder).Any())
                    Directory.Delete(idFolder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // As above.
            }
        }
    }
}
