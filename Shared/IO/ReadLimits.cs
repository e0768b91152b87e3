// How much the project reads, at most, from each kind of file: one place for every limit, with the
// reason for its size. Each limit is far above what a real file of its kind holds and far below
// what would hurt a machine, so a wrong path (/dev/zero, a disk image, a video) fails at once with a
// message that names the file and the limit instead of filling memory.
namespace MnistBn.Shared.IO;

/// <summary>Size limits per kind of file read, in bytes.</summary>
public static class ReadLimits
{
    private const long MiB = 1024 * 1024;

    /// <summary>pipeline.yaml and <c>--config</c> files: the real one is ~5 KB; YAML is parsed whole.</summary>
    public const long ConfigBytes = 1 * MiB;

    /// <summary>
    /// An IDX file, raw or after gunzip: MNIST's largest (train-images, 60,000 × 28×28) is 47 MB, as is
    /// Fashion-MNIST's. Files are read whole so that the bytes hashed are the bytes parsed.
    /// </summary>
    public const long IdxBytes = 100 * MiB;

    /// <summary>A training checkpoint: LeNet's is ~0.5 MB with Adam's state; read whole before TorchSharp parses it.</summary>
    public const long CheckpointBytes = 256 * MiB;

    /// <summary>An image file to score: a digit picture is kilobytes; the same limit as MnistBn.Inference's.</summary>
    public const long ImageBytes = 64 * MiB;

    /// <summary>JSON the project wrote itself (metrics, training history, reports, stage stamps): kilobytes each.</summary>
    public const long JsonBytes = 16 * MiB;

    /// <summary>A file only hashed (models and checkpoints for the stage stamps): ONNX models up to MnistBn.Inference's 512 MiB.</summary>
    public const long HashedFileBytes = 512 * MiB;
}
