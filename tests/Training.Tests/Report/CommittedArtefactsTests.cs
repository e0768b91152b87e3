// Nothing committed under models/ and reports/ may hold a path of the machine that produced it: the
// models, metrics, report and experiment pages must read the same in every clone. Every file in the
// two folders is checked (untracked ones too, which are about to be committed); PNGs are pixels only,
// and an ONNX file's text is its doc strings and metadata.
using MnistBn.Shared;
using Onnx;

namespace MnistBn.Training.Tests.Report;

public sealed class CommittedArtefactsTests
{
    [Fact]
    public void Models_and_reports_hold_no_absolute_path()
    {
        var root = RepositoryPaths.FindRoot();
        var found = new List<string>();
        foreach (var folder in new[] { "models", "reports" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, folder), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var text = TextOf(file);
                if (text is null)
                    continue;
                foreach (var (line, content) in AbsolutePaths.In(text))
                    found.Add($"{Path.GetRelativePath(root, file).Replace('\\', '/')}:{line}: {content}");
            }
        }
        Assert.True(found.Count == 0, $"{found.Count} line(s) with an absolute path:\n" + string.Join('\n', found));
    }

    [Fact]
    public void Scanner_finds_unix_and_windows_paths_at_a_token_start()
    {
        Assert.Single(AbsolutePaths.In("  \"model\": \"/work/main/models/lenet-bn.onnx\","));
        Assert.Single(AbsolutePaths.In("ok\n`mnistbn experiment all --config /home/me/pipeline.yaml`"));
        Assert.Equal(2, AbsolutePaths.In("ok\n--set report.directory=/tmp/rerun2/seed1").Single().Line);
        Assert.Single(AbsolutePaths.In("\"model\": \"C:\\\\Users\\\\me\\\\lenet-bn.onnx\""));
        Assert.Single(AbsolutePaths.In("![grid](/srv/reports/grid.png)"));
    }

    [Fact]
    public void Scanner_passes_relative_paths_urls_and_the_outside_marker()
    {
        Assert.Empty(AbsolutePaths.In("\"model\": \"models/lenet-bn.onnx\""));
        Assert.Empty(AbsolutePaths.In($"--set report.directory={RepositoryPaths.OutsidePrefix}seed1"));
        Assert.Empty(AbsolutePaths.In("<svg xmlns=\"http://www.w3.org/2000/svg\">"));
        Assert.Empty(AbsolutePaths.In("| 1/2 | 0.5 | a/b/c |"));
    }

    private static string? TextOf(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".png" => null,
        ".onnx" => OnnxText(ModelProto.Parser.ParseFrom(File.ReadAllBytes(file))),
        _ => File.ReadAllText(file),
    };

    private static string OnnxText(ModelProto model) => string.Join('\n',
        [model.ProducerName, model.ProducerVersion, model.DocString, model.Graph.DocString,
         .. model.MetadataProps.Select(p => $"{p.Key}={p.Value}")]);
}
