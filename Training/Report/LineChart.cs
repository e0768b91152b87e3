// Per-epoch curves of both variants on the same axes, written as PNG (OxyPlot.SkiaSharp, which shares
// SkiaSharp 2.88 with ML.NET ImageAnalytics) and SVG (OxyPlot.Core's own exporter).
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

using MnistBn.Shared.IO;

namespace MnistBn.Training.Report;

/// <summary>One named curve: y values at x = 1, 2, 3, … (epochs).</summary>
internal sealed record ChartSeries(string Name, IReadOnlyList<double> Values, bool Dashed = false);

internal static class LineChart
{
    private const int Width = 800;
    private const int Height = 480;

    // Fixed colours per variant so every plot of the report reads the same way.
    private static readonly OxyColor[] Palette =
    [
        OxyColor.FromRgb(0x1f, 0x77, 0xb4), OxyColor.FromRgb(0xd6, 0x27, 0x28),
        OxyColor.FromRgb(0x2c, 0xa0, 0x2c), OxyColor.FromRgb(0xff, 0x7f, 0x0e),
    ];

    /// <summary>Writes <paramref name="basePath"/>.png and .svg; returns the two paths.</summary>
    /// <param name="yMinimum">Lower end of the y axis (default: fitted to the data).</param>
    public static (string Png, string Svg) Write(string title, string yTitle, IReadOnlyList<ChartSeries> series, string basePath, double? yMinimum = null)
    {
        var model = Build(title, yTitle, series, yMinimum);
        var png = basePath + ".png";
        var svg = basePath + ".svg";
        AtomicFile.Write(png, stream => new OxyPlot.SkiaSharp.PngExporter { Width = Width, Height = Height }.Export(model, stream));
        AtomicFile.Write(svg, stream => new SvgExporter { Width = Width, Height = Height }.Export(model, stream));
        return (png, svg);
    }

    private static PlotModel Build(string title, string yTitle, IReadOnlyList<ChartSeries> series, double? yMinimum)
    {
        var model = new PlotModel { Title = title, Background = OxyColors.White };
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "epoch", MajorGridlineStyle = LineStyle.Dot, MinimumMajorStep = 1 });
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Left, Title = yTitle, MajorGridlineStyle = LineStyle.Dot,
            Minimum = yMinimum ?? double.NaN, // NaN: fitted to the data
        });
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.RightBottom, LegendPlacement = LegendPlacement.Inside });
        for (var i = 0; i < series.Count; i++)
        {
            var line = new LineSeries
            {
                Title = series[i].Name,
                Color = Palette[i / 2 % Palette.Length],
                LineStyle = series[i].Dashed ? LineStyle.Dash : LineStyle.Solid,
                MarkerType = MarkerType.Circle,
                MarkerSize = 2.5,
            };
            for (var epoch = 0; epoch < series[i].Values.Count; epoch++)
                line.Points.Add(new DataPoint(epoch + 1, series[i].Values[epoch]));
            model.Series.Add(line);
        }
        return model;
    }
}
