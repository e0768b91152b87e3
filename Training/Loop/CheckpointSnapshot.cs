// A checkpoint read once into memory. The header a caller checks (variant, epochs, the config a
// resume must match) and the state it then loads come from the same bytes, so a checkpoint replaced
// between the check and the load cannot slip an unchecked state in.
using System.Text;
using MnistBn.Training.Model;
using TorchSharp.Modules;

namespace MnistBn.Training.Loop;

/// <summary>One checkpoint's bytes, its parsed header, and loading from those bytes; made by <see cref="Checkpoint.ReadOnce"/>.</summary>
public sealed class CheckpointSnapshot
{
    private readonly byte[] _bytes;
    private readonly int _stateOffset;

    internal CheckpointSnapshot(string path, byte[] bytes, CheckpointHeader header, long stateOffset)
    {
        Path = path;
        Header = header;
        _bytes = bytes;
        _stateOffset = checked((int)stateOffset);
    }

    /// <summary>The file it was read from (for messages).</summary>
    public string Path { get; }

    /// <summary>What the checkpoint says about itself.</summary>
    public CheckpointHeader Header { get; }

    /// <summary>The saved model, built with the checkpoint's own config, in eval mode.</summary>
    /// <exception cref="InvalidDataException">The state does not load.</exception>
    public (NetworkModule Model, CheckpointHeader Header) LoadModel()
    {
        var model = StudyModel.Create(Header.Variant, Header.Config);
        using var reader = State();
        Checkpoint.LoadState(Path, () => model.load(reader));
        model.eval();
        return (model, Header);
    }

    /// <summary>Loads the saved state into an existing model and optimizer (for --resume); returns the header.</summary>
    /// <exception cref="InvalidDataException">The checkpoint is for another variant, or its state does not load.</exception>
    public CheckpointHeader Restore(string variant, NetworkModule model, OptimizerHelper optimizer)
    {
        if (Header.Variant != variant)
            throw new InvalidDataException($"{Path}: checkpoint is for variant '{Header.Variant}', not '{variant}'");
        using var reader = State();
        Checkpoint.LoadState(Path, () =>
        {
            model.load(reader);
            optimizer.load_state_dict(reader);
        });
        return Header;
    }

    private BinaryReader State() =>
        new(new MemoryStream(_bytes, _stateOffset, _bytes.Length - _stateOffset, writable: false), Encoding.UTF8);
}
