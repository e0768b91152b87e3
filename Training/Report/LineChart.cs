// Per-epoch curves of both variants on the same axes, written as PNG (OxyPlot.SkiaSharp, on the SkiaSharp
// 3.x that ML.NET ImageAnalytics 6 brings) and SVG (OxyPlot.Core's own exporter).
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

using MnistBn.Shared.IO;
using SkiaSharp;

namespace MnistBn.Training.Report;

/// <summary>One named curve: y values at x = 1, 2, 3, … (epochs); <paramref name="Color"/> indexes the palette (default: one colour per pair of curves, e.g. train and test of a variant).</summary>
internal sealed record ChartSeries(string Name, IReadOnlyList<double> Values, bool Dashed = false, int? Color = null);

/// <summary>One named curve through explicit (x, y) points; <paramref name="Color"/> indexes the palette.</summary>
internal sealed record XySeries(string Name, IReadOnlyList<(double X, double Y)> Points, int Color, bool Dashed = false);

/// <summary>Axes of an x–y chart; null bounds are automatic.</summary>
internal sealed record XyAxes(string XTitle, string YTitle, bool LogX = false, double? YMin = null, double? YMax = null);

internal static class LineChart
{
    private const int Width = 800;
    private const int Height = 480;

    // Fixed colours per variant so every plot of the report reads the same way.
    private static readonly OxyColor[] Palette =
    [
        OxyColor.FromRgb(0x1f, 0x77, 0xb4), OxyColor.FromRgb(0xd6, 0x27, 0x28),
        OxyColor.FromRgb(0x2c, 0xa0, 0x2c), OxyColor.FromRgb(0xff, 0x7f, 0x0e),
        OxyColor.FromRgb(0x94, 0x67, 0xbd), OxyColor.FromRgb(0x8c, 0x56, 0x4b),
        OxyColor.FromRgb(0xe3, 0x77, 0xc2), OxyColor.FromRgb(0x7f, 0x7f, 0x7f),
    ];

    /// <summary>Writes <paramref name="basePath"/>.png and .svg; returns the two paths.</summary>
    /// <param name="yMinimum">Lower end of the y axis (default: fitted to the data).</param>
    public static (string Png, string Svg) Write(string title, string yTitle, IReadOnlyList<ChartSeries> series, string basePath, double? yMinimum = null)
    {
        return Export(Build(title, yTitle, series, yMinimum), basePath);
    }

    /// <summary>Writes an x–y chart (e.g. accuracy against learning rate or step) as <paramref name="basePath"/>.png and .svg.</summary>
    public static (string Png, string Svg) WriteXy(string title, XyAxes axes, IReadOnlyList<XySeries> series, string basePath)
    {
        var model = new PlotModel { Title = title, Background = OxyColors.White };
        model.Axes.Add(axes.LogX
            ? new LogarithmicAxis { Position = AxisPosition.Bottom, Title = axes.XTitle, MajorGridlineStyle = LineStyle.Dot }
            : new LinearAxis { Position = AxisPosition.Bottom, Title = axes.XTitle, MajorGridlineStyle = LineStyle.Dot });
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Left, Title = axes.YTitle, MajorGridlineStyle = LineStyle.Dot,
            Minimum = axes.YMin ?? double.NaN, Maximum = axes.YMax ?? double.NaN,
        });
        // Outside the plot area: sweeps and long runs fill every corner of it.
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.RightTop, LegendPlacement = LegendPlacement.Outside });
        foreach (var s in series)
        {
            var line = new LineSeries
            {
                Title = s.Name,
                Color = Palette[s.Color % Palette.Length],
                LineStyle = s.Dashed ? LineStyle.Dash : LineStyle.Solid,
                MarkerType = MarkerType.Circle,
                MarkerSize = 2.5,
            };
            line.Points.AddRange(s.Points.Where(p => double.IsFinite(p.Y)).Select(p => new DataPoint(p.X, p.Y)));
            model.Series.Add(line);
        }
        return Export(model, basePath);
    }

    // OxyPlot asks for "Segoe UI", which Linux lacks. The SkiaSharp native build ImageAnalytics brings
    // (NativeAssets.Linux.NoDependencies: no fontconfig) then falls back to its own default family, which
    // 2.88 took to be Liberation Sans and 3.x takes to be DejaVu Serif (a serif face in every chart). The
    // PNG therefore names an installed sans-serif face itself; the SVG keeps OxyPlot's default and lets
    // the viewer pick.
    private static readonly string? PngFont = new[] { "Liberation Sans", "Arial", "DejaVu Sans", "Helvetica", "Noto Sans" }
        .FirstOrDefault(family => SKFontManager.Default.FontFamilies.Contains(family, StringComparer.OrdinalIgnoreCase));

    private static (string Png, string Svg) Export(PlotModel model, string basePath)
    {
        var png = basePath + ".png";
        var svg = basePath + ".svg";
        var defaultFont = model.DefaultFont;
        model.DefaultFont = PngFont ?? defaultFont;
        AtomicFile.Write(png, stream => new OxyPlot.SkiaSharp.PngExporter { Width = Width, Height = Height }.Export(model, stream));
        model.DefaultFont = defaultFont;
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
                Color = Palette[(series[i].Color ?? i / 2) % Palette.Length],
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
