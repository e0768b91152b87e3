// Writes and reads an experiment's files in <report.directory>/experiments/: <name>.json (the
// record), <name>.md (rendered from that record only, so the two cannot disagree) and the charts.
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MnistBn.Shared.IO;

namespace MnistBn.Training.Experiments;

internal static class ExperimentFiles
{
    /// <summary>The experiments' folder name under report.directory (the study report links to it).</summary>
    public const string DirectoryName = "experiments";

    /// <summary>The index that collects every experiment's findings.</summary>
    public const string Index = "README.md";

    /// <summary>snake_case, indented; NaN and ±Infinity (diverged runs) are written as strings.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string JsonPath(string directory, string experiment) => Path.Combine(directory, experiment + ".json");

    public static string MarkdownPath(string directory, string experiment) => Path.Combine(directory, experiment + ".md");

    /// <summary>Writes <c>&lt;name&gt;.json</c> and <c>&lt;name&gt;.md</c>; returns the Markdown path.</summary>
    public static string Write<T>(string directory, string experiment, T report, string markdown)
    {
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(JsonPath(directory, experiment), JsonSerializer.Serialize(report, Json));
        var path = MarkdownPath(directory, experiment);
        AtomicFile.WriteAllText(path, markdown);
        return path;
    }

    public static T Read<T>(string directory, string experiment)
    {
        var path = JsonPath(directory, experiment);
        return JsonSerializer.Deserialize<T>(BoundedFile.ReadAllText(path, ReadLimits.JsonBytes, "an experiment report (JSON)"), Json) ?? throw new InvalidDataException($"{path}: empty experiment report");
    }

    /// <summary>The common head of every experiment's Markdown: title, claim, provenance.</summary>
    public static void AppendHeader(StringBuilder md, string title, string claim, ExperimentHeader header)
    {
        md.AppendLine($"# {title}").AppendLine();
        md.AppendLine($"**The paper's claim:** {claim}").AppendLine();
        md.AppendLine($"Produced by `{header.Command}` on {header.CreatedUtc:yyyy-MM-dd HH:mm} UTC in {Seconds(header.Seconds)} " +
                      $"({header.TrainImages:N0} training images, {header.TestImages:N0} test images, {header.TorchThreads} torch thread{(header.TorchThreads == 1 ? "" : "s")}, {header.Machine}).").AppendLine();
    }

    /// <summary>The exact resolved configuration, last in every experiment's Markdown.</summary>
    public static void AppendConfig<T>(StringBuilder md, ExperimentConfigEcho<T> config, string experiment)
    {
        md.AppendLine("## Configuration").AppendLine();
        md.AppendLine($"The exact resolved configuration that produced these numbers (also in `{experiment}.json`); " +
                      "`shared` comes from `experiments.*`, `experiment` from this experiment's section of pipeline.yaml:").AppendLine();
        md.AppendLine("```json").AppendLine(JsonSerializer.Serialize(config, Json)).AppendLine("```").AppendLine();
    }

    public static void AppendFindings(StringBuilder md, IReadOnlyList<string> findings)
    {
        md.AppendLine("## What it shows").AppendLine();
        foreach (var finding in findings)
            md.AppendLine($"- {finding}");
        md.AppendLine();
    }

    public static void AppendChart(StringBuilder md, string alt, string baseName) =>
        md.AppendLine($"![{alt}]({baseName}.png)").AppendLine().AppendLine($"SVG: [{baseName}.svg]({baseName}.svg)").AppendLine();

    public static string Percent(double fraction) =>
        double.IsFinite(fraction) ? (fraction * 100).ToString("F2", CultureInfo.InvariantCulture) + "%" : "–";

    public static string Number(double value, int digits = 4) =>
        double.IsFinite(value) ? value.ToString("F" + digits, CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A learning rate or momentum as written in pipeline.yaml (shortest round-trip form).</summary>
    public static string Rate(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    public static string Steps(int? step) => step is null ? "not reached" : step.Value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Seconds(double seconds) =>
        seconds >= 60
            ? $"{(int)(seconds / 60)}:{(seconds % 60).ToString("00.0", CultureInfo.InvariantCulture)} min"
            : seconds.ToString("F1", CultureInfo.InvariantCulture) + " s";
}
