// The four export settings every eager-vs-ONNX test runs under: the lowest and the highest opset
// written, each with BatchNorm folded and kept as nodes. A test takes (int opset, bool fold).
using System.Reflection;
using Xunit.Sdk;

namespace MnistBn.OnnxExport.Tests.Support;

[AttributeUsage(AttributeTargets.Method)]
internal sealed class ExportSettingsAttribute : DataAttribute
{
    public static readonly (int Opset, bool Fold)[] All =
        [(OnnxExportOptions.MinimumOpset, true), (OnnxExportOptions.MinimumOpset, false), (OnnxExportOptions.MaximumOpset, true), (OnnxExportOptions.MaximumOpset, false)];

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => All.Select(s => new object[] { s.Opset, s.Fold });

    /// <summary>Each of <paramref name="cases"/> under every setting: rows (case, opset, fold).</summary>
    public static TheoryData<string, int, bool> Cross(params string[] cases)
    {
        var data = new TheoryData<string, int, bool>();
        foreach (var c in cases)
        {
            foreach (var (opset, fold) in All)
                data.Add(c, opset, fold);
        }
        return data;
    }
}
