// The published numbers of the reference study (Keras, 20 epochs, batch 128, same LeNet), shown beside ours.
using MnistBn.Shared;

namespace MnistBn.Training.Report;

internal static class ReferenceStudy
{
    public sealed record Result(double TrainingSeconds, double TestLoss, double TestAccuracy);

    /// <summary>"training without Batch Normalization took 0:15:43.285176s … 0.030737676485381962 … 0.9908".</summary>
    public static readonly Result WithoutBatchNorm = new(15 * 60 + 43.285176, 0.030737676485381962, 0.9908);

    /// <summary>"training with Batch Normalization took 0:20:57.456056s … 0.03647766597541049 … 0.9875".</summary>
    public static readonly Result WithBatchNorm = new(20 * 60 + 57.456056, 0.03647766597541049, 0.9875);

    public static Result? For(string variant) => variant switch
    {
        VariantNames.NoBatchNorm => WithoutBatchNorm,
        VariantNames.BatchNorm => WithBatchNorm,
        _ => null,
    };
}
