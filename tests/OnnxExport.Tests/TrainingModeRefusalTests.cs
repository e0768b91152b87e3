// A module in training mode would be traced with batch statistics and active dropout, which the
// exported inference graph does not compute: the export refuses it and says to call eval().
using MnistBn.OnnxExport.Tests.Support;
using MnistBn.OnnxExport.TorchSharp;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests;

public sealed class TrainingModeRefusalTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public void A_module_in_training_mode_is_refused_with_a_message_that_says_eval()
    {
        var model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU());
        model.train();
        var error = Assert.Throws<InvalidOperationException>(() => model.ToOnnxModel([1, 6, 6]));
        Assert.Contains("eval()", error.Message);
        Assert.Contains("Sequential", error.Message);
        Assert.DoesNotContain("::", error.Message);
    }

    [Fact]
    public void A_submodule_left_in_training_mode_is_refused()
    {
        var norm = nn.BatchNorm2d(2);
        var model = Seeded.Eval(() => nn.Sequential(nn.Conv2d(1, 2, 3), norm, nn.ReLU()));
        norm.train();
        var error = Assert.Throws<InvalidOperationException>(() => model.ToOnnxModel([1, 6, 6]));
        Assert.Contains("eval()", error.Message);
    }

    [Fact]
    public void ExportOnnx_of_a_module_in_training_mode_writes_nothing()
    {
        var model = nn.Sequential(nn.Linear(3, 2), nn.Dropout());
        model.train();
        Assert.Throws<InvalidOperationException>(() => model.ExportOnnx(_folder.File("m.onnx"), [3]));
        Assert.Empty(Directory.GetFileSystemEntries(_folder.Path));
    }

    public void Dispose() => _folder.Dispose();
}
