// Score → PredictedLabel as an ML.NET custom mapping with a registered contract name, so that a
// fitted pipeline containing it can be saved with mlContext.Model.Save and loaded again (after
// DigitScoringCatalog.RegisterDigitScoring makes the contract known to the loading context).
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using MnistBn.Shared;

namespace MnistBn.Inference.Pipeline;

/// <summary>The mapping's input row: the probabilities column.</summary>
internal sealed class ScoreRow
{
    /// <summary>Class probabilities.</summary>
    [ColumnName(DigitColumns.Score)]
    [VectorType(ModelContract.ClassCount)]
    public float[] Score { get; set; } = [];
}

/// <summary>The mapping's output row: the most probable class's label.</summary>
internal sealed class PredictedLabelRow
{
    /// <summary>The label of the most probable class.</summary>
    [ColumnName(DigitColumns.PredictedLabel)]
    public string PredictedLabel { get; set; } = "";
}

/// <summary>Registered under <see cref="ContractName"/>; ML.NET finds it by that name when loading a saved model.</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class PredictedLabelMapping : CustomMappingFactory<ScoreRow, PredictedLabelRow>
{
    /// <summary>The name saved models refer to.</summary>
    public const string ContractName = "MnistBn.PredictedLabel";

    /// <summary>Arg-max of the probabilities (first class on ties), as its label.</summary>
    public static void Map(ScoreRow input, PredictedLabelRow output) =>
        output.PredictedLabel = ModelContract.ClassLabels[ScoredBatch.ArgMax(input.Score)];

    /// <inheritdoc/>
    public override Action<ScoreRow, PredictedLabelRow> GetMapping() => Map;
}
