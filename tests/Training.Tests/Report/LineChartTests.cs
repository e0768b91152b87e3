using System.Xml.Linq;
using MnistBn.Training.Report;

namespace MnistBn.Training.Tests.Report;

public sealed class LineChartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mnistbn-chart-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Writes_a_png_and_an_svg_with_every_series()
    {
        var series = new[]
        {
            new ChartSeries("nobn train", [0.9, 0.95, 0.97]),
            new ChartSeries("nobn test", [0.92, 0.96, 0.975], Dashed: true),
            new ChartSeries("bn train", [0.94, 0.97, 0.98]),
        };

        var (png, svg) = LineChart.Write("accuracy", "accuracy", series, Path.Combine(_dir, "accuracy"));

        var header = File.ReadAllBytes(png)[..8];
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, header);
        var text = File.ReadAllText(svg);
        Assert.Equal("svg", XDocument.Parse(text).Root!.Name.LocalName);
        Assert.Contains("bn train", text);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }
}
