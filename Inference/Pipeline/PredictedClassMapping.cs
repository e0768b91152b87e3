// Score → PredictedClass (the arg-max index) as an ML.NET custom mapping with a registered contract
// name, so that a fitted pipeline containing it can be saved with mlContext.Model.Save and loaded
// again (after DigitScoringCatalog.RegisterDigitScoring makes the contract known to the loading
// context). The index becomes the model's own label with ML.NET's built-in MapValue, which saves its
// table, so the mapping itself stays stateless.
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

/// <summary>The mapping's output row: the most probable class's index.</summary>
internal sealed class PredictedClassRow
{
    /// <summary>Index of the most probable class (first on ties).</summary>
    [ColumnName(DigitColumns.PredictedClass)]
    public int PredictedClass { get; set; }
}

/// <summary>Registered under <see cref="ContractName"/>; ML.NET finds it by that name when loading a saved model.</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class PredictedClassMapping : CustomMappingFactory<ScoreRow, PredictedClassRow>
{
    /// <summary>The name saved models refer to.</summary>
    public const string ContractName = "MnistBn.PredictedClass";

    /// <summary>Arg-max of the probabilities (first class on ties).</summary>
    public static void Map(ScoreRow input, PredictedClassRow output) => output.PredictedClass = ScoredBatch.ArgMax(input.Score);

    /// <inheritdoc/>
    public override Action<ScoreRow, PredictedClassRow> GetMapping() => Map;
}
