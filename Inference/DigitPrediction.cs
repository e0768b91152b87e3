// What one prediction returns to an app.
using MnistBn.Shared;

namespace MnistBn.Inference;

/// <summary>The predicted digit and the model's ten probabilities.</summary>
/// <param name="Digit">The most probable class's index, 0–9 (see <see cref="Label"/> for its name).</param>
/// <param name="Probabilities">Ten probabilities in class order (the model's softmax output).</param>
/// <param name="Logits">Ten raw scores in class order.</param>
public sealed record DigitPrediction(int Digit, IReadOnlyList<float> Probabilities, IReadOnlyList<float> Logits)
{
    /// <summary>
    /// The picture has no ink (see <see cref="InkCheck"/>): there is no digit to recognise, and
    /// <see cref="Digit"/> and the probabilities say only what the model makes of an empty canvas.
    /// </summary>
    public bool IsBlank { get; init; }

    /// <summary>
    /// The ink covers too little of the picture to be a digit (a dot, a speck; see
    /// <see cref="PictureReading.MinimumInkExtent"/>): like <see cref="IsBlank"/>, the answer means nothing.
    /// </summary>
    public bool IsTooSmall { get; init; }

    /// <summary>The picture was read as a dark digit on a light background and inverted before scoring.</summary>
    public bool Inverted { get; init; }

    private readonly string? _label;

    /// <summary>
    /// The label of class <see cref="Digit"/>: the model's own (recorded at export from pipeline.yaml's
    /// <c>data.class_labels</c>), the contract's digit "0"–"9" for a model without labels.
    /// </summary>
    public string Label
    {
        get => _label ?? ModelContract.ClassLabels[Digit];
        init => _label = value;
    }

    /// <summary>The probability of <see cref="Digit"/>.</summary>
    public float Confidence => Probabilities[Digit];

    /// <summary>The <paramref name="count"/> most probable classes, most probable first.</summary>
    public IReadOnlyList<(int Digit, float Probability)> Top(int count) =>
        [.. Probabilities.Select((p, digit) => (Digit: digit, Probability: p))
            .OrderByDescending(x => x.Probability).ThenBy(x => x.Digit).Take(count)];

    internal static DigitPrediction From(float[] logits, float[] probabilities, PictureReading reading, IReadOnlyList<string> labels)
    {
        var digit = ScoredBatch.ArgMax(probabilities);
        return new(digit, probabilities, logits)
        {
            IsBlank = reading.IsBlank,
            IsTooSmall = reading.IsTooSmall,
            Inverted = reading.Inverted,
            Label = labels[digit],
        };
    }
}
