// The study report links the experiments' index when `mnistbn experiment` has written one, and only then.
using MnistBn.Training.Report;

namespace MnistBn.Training.Tests.Report;

public sealed class ExperimentsLinkTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mnistbn-report-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Study_report_links_the_experiments_index_when_present()
    {
        var without = File.ReadAllText(ReportWriter.Write(ReportWriterTests.Sample(), _dir, _dir));
        Assert.DoesNotContain("experiments/README.md", without);

        Directory.CreateDirectory(Path.Combine(_dir, "experiments"));
        File.WriteAllText(Path.Combine(_dir, "experiments", "README.md"), "# experiments");
        var with = File.ReadAllText(ReportWriter.Write(ReportWriterTests.Sample(), _dir, _dir));
        Assert.Contains("](experiments/README.md)", with);
    }
}
