// Only tests/Training.Tests may reference Training/MnistBn.Training.csproj, directly or through another
// project: Training pulls in TorchSharp and LibTorch, which the other test projects, like the
// libraries and apps they test, run without (their fixture models come from Shared/Network). Read
// from the project files under tests/, so a new reference fails here, naming the project.
using System.Xml.Linq;

namespace MnistBn.Shared.Tests;

public sealed class TestProjectReferencesTests
{
    private static readonly string Root = RepositoryPaths.FindRoot();
    private static readonly string Training = Path.Combine(Root, "Training", "MnistBn.Training.csproj");
    private static readonly string TrainingTests = Path.Combine(Root, "tests", "Training.Tests", "MnistBn.Training.Tests.csproj");

    [Fact]
    public void Only_training_tests_reference_the_training_project()
    {
        var offenders = TestProjects()
            .Where(project => !SamePath(project, TrainingTests))
            .Select(project => PathTo(project, Training))
            .OfType<IReadOnlyList<string>>()
            .Select(chain => string.Join(" → ", chain.Select(Relative)))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(offenders.Count == 0,
            $"only tests/Training.Tests may reference Training (it pulls in TorchSharp); these reach it: {string.Join("; ", offenders)}");
    }

    // Without it the test above would also pass if the scan found no projects or no references.
    [Fact]
    public void Training_tests_are_found_and_reference_the_training_project()
    {
        Assert.Contains(TestProjects(), project => SamePath(project, TrainingTests));
        Assert.NotNull(PathTo(TrainingTests, Training));
    }

    private static IEnumerable<string> TestProjects() =>
        Directory.EnumerateFiles(Path.Combine(Root, "tests"), "*.csproj", SearchOption.AllDirectories)
            .Where(path => !Path.GetRelativePath(Root, path).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));

    /// <summary>The projects from <paramref name="start"/> to <paramref name="target"/> along ProjectReferences, or null.</summary>
    private static IReadOnlyList<string>? PathTo(string start, string target, HashSet<string>? seen = null)
    {
        seen ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (SamePath(start, target))
            return [start];
        if (!seen.Add(Path.GetFullPath(start)) || !File.Exists(start))
            return null;
        foreach (var reference in ProjectReferences(start))
        {
            if (PathTo(reference, target, seen) is { } rest)
                return [start, .. rest];
        }
        return null;
    }

    private static IEnumerable<string> ProjectReferences(string project)
    {
        var folder = Path.GetDirectoryName(project)!;
        return XDocument.Load(project).Descendants()
            .Where(element => element.Name.LocalName == "ProjectReference")
            .Select(element => element.Attribute("Include")?.Value)
            .OfType<string>()
            .Select(include => Path.GetFullPath(Path.Combine(folder, include.Replace('\\', Path.DirectorySeparatorChar))));
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.OrdinalIgnoreCase);

    private static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');
}
