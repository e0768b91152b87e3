// One classifier (bn model, CPU) shared by the tests of a class: building the pipeline once is the
// intended use, and it keeps the suite fast.
namespace MnistBn.Inference.Tests;

public sealed class ClassifierFixture : IDisposable
{
    public DigitClassifier Classifier { get; } = DigitClassifier.Create(FixtureModels.BatchNorm);

    public void Dispose() => Classifier.Dispose();
}
