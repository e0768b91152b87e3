// One checkpoint file per variant (runs/<variant>/checkpoint.bin), rewritten atomically after every
// epoch. It carries everything needed to resume exactly and to export: a JSON header (format,
// variant, epochs completed, the resolved config as JSON, the history so far), then the model's
// state (TorchSharp's Module.save format) and the optimizer's state (save_state_dict). The data
// order and augmentation draws of epoch e come from a generator seeded by (seed, e), so the epoch
// count is all the RNG state a resume needs.
using System.Text;
using System.Text.Json;
using MnistBn.Shared.Configuration;
using MnistBn.Shared.IO;
using MnistBn.Training.Model;
using TorchSharp.Modules;

namespace MnistBn.Training.Loop;

/// <summary>What a checkpoint says about itself.</summary>
/// <param name="Format">Always <see cref="Checkpoint.FormatName"/>.</param>
/// <param name="Variant"><c>bn</c> or <c>nobn</c>.</param>
/// <param name="EpochsCompleted">How many epochs the saved state has trained.</param>
/// <param name="ConfigJson">The resolved pipeline config (PipelineConfigJson.Serialize).</param>
/// <param name="History">Metrics of every completed epoch.</param>
public sealed record CheckpointHeader(string Format, string Variant, int EpochsCompleted, string ConfigJson, IReadOnlyList<EpochMetrics> History)
{
    /// <summary>The config that produced the checkpoint.</summary>
    public PipelineConfig Config => PipelineConfigJson.Deserialize(ConfigJson);
}

/// <summary>Writes and reads checkpoints.</summary>
public static class Checkpoint
{
    /// <summary>The file name inside the variant's output directory.</summary>
    public const string FileName = "checkpoint.bin";

    /// <summary>Identifies the file format (and its version).</summary>
    public const string FormatName = "mnistbn-checkpoint-1";

    /// <summary>Writes model and optimizer state atomically.</summary>
    public static void Save(string path, CheckpointHeader header, NetworkModule model, OptimizerHelper optimizer) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(JsonSerializer.Serialize(header, TrainingHistory.Json));
            model.save(writer);
            optimizer.save_state_dict(writer);
        }, "checkpoint");

    /// <summary>
    /// Reads the checkpoint once (bounded, a regular file only): check its <see cref="CheckpointSnapshot.Header"/>,
    /// then load the state from the same bytes. Prefer it to <see cref="ReadHeader"/> followed by
    /// <see cref="Restore"/> or <see cref="LoadModel"/>, which read the file twice.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, FIFO, socket or device.</exception>
    /// <exception cref="InvalidDataException">Over <see cref="ReadLimits.CheckpointBytes"/>, or not a checkpoint.</exception>
    public static CheckpointSnapshot ReadOnce(string path)
    {
        // Read whole and bounded before TorchSharp parses it: a FIFO or device given as --checkpoint is
        // refused before it is opened, and a huge file before it fills memory.
        var bytes = BoundedFile.ReadAllBytes(path, ReadLimits.CheckpointBytes, $"a checkpoint ({FormatName})");
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        var header = ReadHeader(path, reader);
        return new CheckpointSnapshot(path, bytes, header, reader.BaseStream.Position);
    }

    /// <summary>Reads only the header.</summary>
    /// <inheritdoc cref="ReadOnce" path="/exception"/>
    public static CheckpointHeader ReadHeader(string path) => ReadOnce(path).Header;

    /// <summary>The model saved in a checkpoint, built with the checkpoint's own config, in eval mode.</summary>
    /// <inheritdoc cref="ReadOnce" path="/exception"/>
    public static (NetworkModule Model, CheckpointHeader Header) LoadModel(string path) => ReadOnce(path).LoadModel();

    /// <summary>Loads the saved state into an existing model and optimizer (for --resume).</summary>
    /// <inheritdoc cref="ReadOnce" path="/exception"/>
    public static CheckpointHeader Restore(string path, string variant, NetworkModule model, OptimizerHelper optimizer) =>
        ReadOnce(path).Restore(variant, model, optimizer);

    private static CheckpointHeader ReadHeader(string path, BinaryReader reader)
    {
        CheckpointHeader? header;
        try
        {
            header = JsonSerializer.Deserialize<CheckpointHeader>(reader.ReadString(), TrainingHistory.Json);
        }
        // Random bytes fail in BinaryReader's length prefix (FormatException) or as text that is not UTF-8
        // (DecoderFallbackException, an ArgumentException) before JSON ever sees them.
        catch (Exception error) when (error is EndOfStreamException or JsonException or IOException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: not a {FormatName} file ({error.Message})", error);
        }
        if (header is null || header.Format != FormatName)
            throw new InvalidDataException($"{path}: not a {FormatName} file (format '{header?.Format}')");
        return header;
    }

    // TorchSharp reports truncated or mismatched state (also an optimizer of another type, e.g. a
    // checkpoint written by optim.Adam before SinglePassAdam) with assorted exception types.
    internal static void LoadState(string path, Action load)
    {
        try
        {
            load();
        }
        catch (Exception error) when (error is EndOfStreamException or IOException or InvalidDataException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: checkpoint state does not load ({error.Message})", error);
        }
    }
}
