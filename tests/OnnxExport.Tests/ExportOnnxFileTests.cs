// ExportOnnx writes what ToOnnxModel returns, to the full path it returns, creating folders and leaving
// no temporary file; exporting twice gives the same bytes and leaves the module as it was.
using Google.Protobuf;
using MnistBn.OnnxExport.Tests.Support;
using MnistBn.OnnxExport.TorchSharp;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests;

public sealed class ExportOnnxFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public void ExportOnnx_writes_the_bytes_ToOnnxModel_returns_and_returns_the_full_path()
    {
        var model = Seeded.Trained(Networks.ConcatNet);
        var path = model.ExportOnnx(_folder.File("net.onnx"), Networks.ConcatNetInput);
        Assert.Equal(_folder.File("net.onnx"), path);
        Assert.Equal(model.ToOnnxModel(Networks.ConcatNetInput).ToByteArray(), File.ReadAllBytes(path));
    }

    [Fact]
    public void ExportOnnx_creates_missing_folders_and_leaves_only_the_model_file()
    {
        var model = Seeded.Eval(() => nn.Sequential(nn.Linear(4, 3), nn.ReLU()));
        var path = model.ExportOnnx(_folder.File(Path.Combine("a", "b", "m.onnx")), [4]);
        Assert.True(File.Exists(path));
        Assert.Equal([path], Directory.GetFiles(_folder.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void ExportOnnx_replaces_an_existing_file()
    {
        var file = _folder.File("m.onnx");
        File.WriteAllText(file, "not a model");
        var model = Seeded.Eval(() => nn.Linear(4, 3));
        model.ExportOnnx(file, [4]);
        Assert.Equal(model.ToOnnxModel([4]).ToByteArray(), File.ReadAllBytes(file));
    }

    [Fact]
    public void ExportOnnx_with_options_applies_them_to_the_file()
    {
        var model = Seeded.Trained(Networks.IssueModel);
        var options = new OnnxExportOptions { Opset = 21, FoldBatchNorm = false, InputName = "pixels", OutputName = "logits" };
        var path = model.ExportOnnx(_folder.File("m.onnx"), Networks.IssueModelInput, options);
        var (input, shape, expected, _) = EagerVsOnnx.Eager(model, Networks.IssueModelInput);
        var delta = EagerVsOnnx.MaxAbsDiff(expected, OnnxRun.Run(path, "pixels", input, shape)["logits"].Values);
        Assert.True(delta <= EagerVsOnnx.Tolerance, $"max |eager − ORT| = {delta:G3}");
    }

    [Fact]
    public void Exporting_twice_gives_the_same_bytes_and_leaves_the_module_unchanged()
    {
        var model = Seeded.Trained(Networks.ResidualNet);
        var before = EagerVsOnnx.Eager(model, Networks.ResidualNetInput).Output;
        var first = model.ToOnnxModel(Networks.ResidualNetInput).ToByteArray();
        var second = model.ToOnnxModel(Networks.ResidualNetInput).ToByteArray();
        Assert.Equal(first, second);
        Assert.False(model.training);
        Assert.Equal(before, EagerVsOnnx.Eager(model, Networks.ResidualNetInput).Output);
    }

    [Fact]
    public void The_exported_batch_axis_is_symbolic_so_any_batch_size_runs()
    {
        var model = Seeded.Eval(() => nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten()));
        var proto = model.ToOnnxModel([1, 5, 5]);
        foreach (var batch in new long[] { 1, 7 })
        {
            var output = OnnxRun.Run(proto, "input", new float[batch * 25], [batch, 1, 5, 5])["output"];
            Assert.Equal([batch, 2 * 3 * 3], output.Shape);
        }
    }

    public void Dispose() => _folder.Dispose();
}
