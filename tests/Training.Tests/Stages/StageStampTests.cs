using MnistBn.Training.Stages;

namespace MnistBn.Training.Tests.Stages;

public sealed class StageStampTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mnistbn-stamp-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (string Stamp, string Output) Finished(string inputs)
    {
        var output = Path.Combine(_dir, "model.onnx");
        File.WriteAllText(output, "weights");
        var stamp = Path.Combine(_dir, "export.stamp.json");
        StageStamp.Write(stamp, "export", inputs, [output]);
        return (stamp, output);
    }

    [Fact]
    public void Stage_with_same_inputs_and_intact_outputs_is_fresh()
    {
        var (stamp, _) = Finished(StageStamp.HashInputs("a", "b"));
        Assert.True(StageStamp.IsFresh(stamp, StageStamp.HashInputs("a", "b")));
    }

    [Fact]
    public void Changed_inputs_make_the_stage_stale()
    {
        var (stamp, _) = Finished(StageStamp.HashInputs("a", "b"));
        Assert.False(StageStamp.IsFresh(stamp, StageStamp.HashInputs("a", "c")));
    }

    [Fact]
    public void Modified_output_makes_the_stage_stale()
    {
        var (stamp, output) = Finished("inputs");
        File.WriteAllText(output, "tampered");
        Assert.False(StageStamp.IsFresh(stamp, "inputs"));
    }

    [Fact]
    public void Missing_output_or_stamp_makes_the_stage_stale()
    {
        var (stamp, output) = Finished("inputs");
        File.Delete(output);
        Assert.False(StageStamp.IsFresh(stamp, "inputs"));
        Assert.False(StageStamp.IsFresh(Path.Combine(_dir, "none.json"), "inputs"));
    }
}
