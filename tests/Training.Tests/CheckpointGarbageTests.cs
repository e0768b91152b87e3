// A checkpoint of random bytes is "not a checkpoint", whatever the bytes: the battery found one
// (/dev/urandom) that failed in BinaryReader's length prefix with an unhandled FormatException.
using MnistBn.Training.Loop;

namespace MnistBn.Training.Tests;

public sealed class CheckpointGarbageTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mnistbn-ck-garbage-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Random_bytes_are_refused_as_not_a_checkpoint_for_every_seed()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var bytes = new byte[3000];
            new Random(seed).NextBytes(bytes);
            var path = Path.Combine(_folder, $"garbage-{seed}.bin");
            File.WriteAllBytes(path, bytes);

            var error = Assert.Throws<InvalidDataException>(() => Checkpoint.ReadHeader(path));

            Assert.StartsWith($"{path}: not a ", error.Message);
        }
    }
}
