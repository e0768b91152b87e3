// All of LeNet's parameters as plain arrays, validated against the architecture: the TorchSharp-free
// input of the ONNX exporter (FromModel builds it from a trained module; Random builds one for tests).
using MnistBn.Shared;

namespace MnistBn.Training.Export;

/// <summary>LeNet's five layers (conv1, conv2, fc1, fc2, fc3) with optional biases and BatchNorm statistics.</summary>
public sealed partial class LeNetWeights
{
    /// <summary>Layer names in forward order, as the TorchSharp module names them.</summary>
    public static readonly IReadOnlyList<string> LayerNames = ["conv1", "conv2", "fc1", "fc2", "fc3"];

    /// <summary>Names of the BatchNorm after conv1, conv2, fc1 and fc2 (fc3 has none).</summary>
    public static readonly IReadOnlyList<string> BatchNormNames = ["bn1", "bn2", "bn3", "bn4"];

    /// <summary>The weight shape each layer must have, in <see cref="LayerNames"/> order.</summary>
    public static readonly IReadOnlyList<int[]> ExpectedShapes =
    [
        [6, 1, 3, 3],
        [16, 6, 3, 3],
        [120, 16 * 5 * 5],
        [84, 120],
        [10, 84],
    ];

    /// <summary>Validates the layers; throws <see cref="InvalidDataException"/> naming the first misfit.</summary>
    public LeNetWeights(LayerWeights conv1, LayerWeights conv2, LayerWeights fc1, LayerWeights fc2, LayerWeights fc3)
    {
        Layers = [conv1, conv2, fc1, fc2, fc3];
        for (var i = 0; i < Layers.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(Layers[i], LayerNames[i]);
            Layers[i].Validate(LayerNames[i], ExpectedShapes[i]);
        }
        if (fc3.BatchNorm is not null)
            throw new InvalidDataException("LeNet weights: fc3 has BatchNorm statistics, but LeNet has no BatchNorm after its last layer");
        var normalised = Layers.Take(4).Count(l => l.BatchNorm is not null);
        // The "bn" variant normalises all four hidden layers; a mix is no variant this study trains.
        if (normalised is not 0 and not 4)
            throw new InvalidDataException($"LeNet weights: BatchNorm statistics on {normalised} of the 4 hidden layers; expected all four (bn) or none (nobn)");
        for (var i = 0; i < normalised; i++)
            Layers[i].BatchNorm!.Validate(BatchNormNames[i], Layers[i].OutputChannels);
    }

    /// <summary>conv1, conv2, fc1, fc2, fc3 in forward order.</summary>
    public IReadOnlyList<LayerWeights> Layers { get; }

    /// <summary>First convolution, [6, 1, 3, 3].</summary>
    public LayerWeights Conv1 => Layers[0];

    /// <summary>Second convolution, [16, 6, 3, 3].</summary>
    public LayerWeights Conv2 => Layers[1];

    /// <summary>First linear layer, [120, 400].</summary>
    public LayerWeights Fc1 => Layers[2];

    /// <summary>Second linear layer, [84, 120].</summary>
    public LayerWeights Fc2 => Layers[3];

    /// <summary>Output layer, [10, 84].</summary>
    public LayerWeights Fc3 => Layers[4];

    /// <summary>Whether the hidden layers carry (unfolded) BatchNorm statistics.</summary>
    public bool HasBatchNorm => Conv1.BatchNorm is not null;

    /// <summary>
    /// The variant: <c>bn</c> or <c>nobn</c>. Weights returned by <see cref="BatchNormFolding.Fold(LeNetWeights)"/>
    /// read <c>nobn</c>, so callers take the variant before folding.
    /// </summary>
    public string Variant => HasBatchNorm ? VariantNames.BatchNorm : VariantNames.NoBatchNorm;
}
