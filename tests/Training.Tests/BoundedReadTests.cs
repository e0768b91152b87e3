// Checkpoints are read once, bounded and only from regular files (a FIFO given as --checkpoint is
// refused before it is opened; the state loaded is the state whose header was checked), and an
// image-size mismatch names the split and the file it came from.
using MnistBn.Shared.Configuration;
using MnistBn.Shared.Data;
using MnistBn.Shared.IO;
using MnistBn.TestSupport;
using MnistBn.Training.Data;
using MnistBn.Training.Loop;
using MnistBn.Training.Model;
using static TorchSharp.torch;

namespace MnistBn.Training.Tests;

public sealed class BoundedReadTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Checkpoint_fifo_is_refused_quickly_and_never_blocks()
    {
        var fifo = SpecialFiles.MakeFifo(Path.Combine(_temp.Path, Checkpoint.FileName));

        var error = SpecialFiles.ThrowsWithinDeadline<IOException>(() => Checkpoint.ReadHeader(fifo));

        Assert.StartsWith($"{fifo}: is a FIFO (named pipe), not a checkpoint", error.Message);
    }

    [Fact]
    public void Checkpoint_dev_zero_is_refused_with_the_limit_in_the_message()
    {
        var error = SpecialFiles.ThrowsWithinDeadline<IOException>(() => Checkpoint.LoadModel("/dev/zero"));

        Assert.StartsWith("/dev/zero: is a character device, not a checkpoint", error.Message);
        Assert.Contains($"{ReadLimits.CheckpointBytes:N0} bytes (256 MiB)", error.Message);
    }

    [Fact]
    public void Oversize_checkpoint_is_refused_naming_file_and_limit()
    {
        var path = Path.Combine(_temp.Path, "huge.bin");
        using (var file = File.Create(path))
            file.SetLength(ReadLimits.CheckpointBytes + 1);

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.ReadHeader(path));

        Assert.StartsWith($"{path}: 268,435,457 bytes, more than the limit of 268,435,456 bytes (256 MiB) for a checkpoint", error.Message);
    }

    [Fact]
    public void Checkpoint_read_once_loads_the_state_whose_header_was_checked_even_if_the_file_is_replaced()
    {
        var path = Path.Combine(_temp.Path, Checkpoint.FileName);
        var checkedWeights = Save(path, epochs: 1, seed: 1);
        var snapshot = Checkpoint.ReadOnce(path);
        Save(path, epochs: 7, seed: 2); // replaced between the check and the load

        var (model, header) = snapshot.LoadModel();

        Assert.Equal(1, header.EpochsCompleted);
        Assert.Equal(checkedWeights, FirstWeights(model));
    }

    [Fact]
    public void Images_of_the_wrong_size_name_the_split_and_the_file()
    {
        var split = new LabeledImages(new byte[2 * 32 * 32], [1, 2], 2, 32, 32) { Origin = "test split, images /data/t10k-images-idx3-ubyte" };

        var error = Assert.Throws<InvalidDataException>(() => MnistTensors.From(split, subset: 0));

        Assert.Equal("test split, images /data/t10k-images-idx3-ubyte: the images are 32×32 pixels, but the model needs 28×28 (MNIST's size)", error.Message);
    }

    // Writes a checkpoint of a LeNet initialised from seed; returns its first layer's weights.
    private static float[] Save(string path, int epochs, int seed)
    {
        manual_seed(seed);
        var config = MnistTestData.Config;
        using var model = TestNetworks.LeNet("bn", config.Model.BatchNorm);
        using var optimizer = optim.Adam(model.parameters());
        var history = Enumerable.Range(1, epochs).Select(e => new EpochMetrics(e, 0.5, 0.8, 0.4, 0.85, 1, 0.1, 1000)).ToArray();
        Checkpoint.Save(path, new CheckpointHeader(Checkpoint.FormatName, "bn", epochs, PipelineConfigJson.Serialize(config), history), model, optimizer);
        return FirstWeights(model);
    }

    private static float[] FirstWeights(NetworkModule model) => model.parameters().First().data<float>().ToArray();
}
