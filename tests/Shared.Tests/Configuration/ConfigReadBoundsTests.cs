// pipeline.yaml and --config files are read bounded and only from regular files: a FIFO, /dev/zero
// or a huge file given as --config is a configuration error naming the file, never a hang or an
// out-of-memory crash.
using MnistBn.Shared.Configuration;
using MnistBn.Shared.IO;
using MnistBn.Shared.Tests.Data;
using MnistBn.TestSupport;

namespace MnistBn.Shared.Tests.Configuration;

public sealed class ConfigReadBoundsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Config_fifo_is_refused_quickly_and_never_blocks()
    {
        var fifo = SpecialFiles.MakeFifo(_temp.File("pipeline.yaml"));

        var error = SpecialFiles.ThrowsWithinDeadline<ConfigException>(() => PipelineConfigLoader.Load(fifo));

        Assert.StartsWith($"{fifo}: is a FIFO (named pipe), not a configuration file", error.Message);
    }

    [Fact]
    public void Config_dev_zero_is_refused_with_the_limit_in_the_message()
    {
        var error = SpecialFiles.ThrowsWithinDeadline<ConfigException>(() => PipelineConfigLoader.Load("/dev/zero"));

        Assert.StartsWith("/dev/zero: is a character device, not a configuration file", error.Message);
        Assert.Contains($"{ReadLimits.ConfigBytes:N0} bytes (1 MiB)", error.Message);
    }

    [Fact]
    public void Oversize_config_is_refused_naming_the_file_and_the_limit()
    {
        var path = _temp.File("huge.yaml");
        using (var file = File.Create(path))
            file.SetLength(ReadLimits.ConfigBytes + 1);

        var error = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Load(path));

        Assert.Equal($"{path}: 1,048,577 bytes, more than the limit of 1,048,576 bytes (1 MiB) for a configuration file (pipeline.yaml); refusing to read it",
            error.Message);
    }
}
