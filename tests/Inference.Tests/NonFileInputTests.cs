// Every file the library reads is a regular file read with a limit: a FIFO is refused before it is
// opened (opening one blocks until a writer comes), /dev/zero is refused instead of filling memory,
// and an oversize file is refused naming the file and the limit.
using System.Diagnostics;
using MnistBn.TestSupport;

namespace MnistBn.Inference.Tests;

public sealed class NonFileInputTests(ClassifierFixture fixture) : IClassFixture<ClassifierFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mnistbn-nonfile-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Fifo_as_image_is_refused_without_blocking()
    {
        var fifo = SpecialFiles.MakeFifo(Path.Combine(_folder, "digit.png"));
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<InvalidDataException>(() => fixture.Classifier.PredictFile(fifo));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Contains($"{fifo}: is a FIFO (named pipe), not a regular file", error.Message);
    }

    [Fact]
    public void Fifo_as_model_is_refused_without_blocking()
    {
        var fifo = SpecialFiles.MakeFifo(Path.Combine(_folder, "model.onnx"));

        var error = Assert.Throws<InvalidDataException>(() => DigitClassifier.Create(fifo));

        Assert.Contains($"{fifo}: is a FIFO (named pipe), not a regular file", error.Message);
    }

    [Fact]
    public void Dev_zero_as_image_is_refused_instead_of_read()
    {
        var error = Assert.Throws<InvalidDataException>(() => fixture.Classifier.PredictFile("/dev/zero"));
        Assert.Contains("/dev/zero: is a character device, not a regular file", error.Message);
    }

    [Fact]
    public void Oversize_image_file_is_refused_naming_file_and_limit()
    {
        var big = Path.Combine(_folder, "big.png");
        using (var file = File.Create(big))
            file.SetLength(RegularFile.MaxImageBytes + 1); // sparse: no disk used

        var error = Assert.Throws<InvalidDataException>(() => fixture.Classifier.PredictFile(big));

        Assert.Contains(big, error.Message);
        Assert.Contains($"more than the {RegularFile.MaxImageBytes:N0} accepted", error.Message);
    }

    [Fact]
    public void Endless_stream_is_cut_at_the_limit()
    {
        using var zeros = new EndlessStream();
        var error = Assert.Throws<InvalidDataException>(() => fixture.Classifier.Predict(zeros, "upload"));
        Assert.Contains("upload: more than the", error.Message);
    }

    private sealed class EndlessStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => count;
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
