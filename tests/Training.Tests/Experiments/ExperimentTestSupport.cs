// Tiny experiment settings on the TrainingFixture's 1,024 training / 512 test images, so each
// experiment test runs in seconds while still training real networks on real MNIST.
using MnistBn.Shared.Configuration;
using MnistBn.TestSupport;
using MnistBn.Training.Experiments;

namespace MnistBn.Training.Tests.Experiments;

internal static class ExperimentTestSupport
{
    /// <summary>The repository's experiments section, shrunk: every experiment a few dozen steps.</summary>
    public static ExperimentsConfig Tiny()
    {
        var repository = MnistTestData.Config.Experiments ?? throw new InvalidOperationException("pipeline.yaml has no experiments section");
        return repository with
        {
            Threads = 1,
            LrSweep = repository.LrSweep with { TrainSubset = 0, Epochs = 1, BatchSize = 64, AdamLearningRates = [0.001], SgdLearningRates = [0.05, 1e30] },
            StepsToTarget = repository.StepsToTarget with { TrainSubset = 0, LearningRates = [0.05], BatchSize = 64, Steps = 40, EvalEverySteps = 10, Targets = [0.5, 0.9999] },
            CovariateShift = repository.CovariateShift with { TrainSubset = 0, Steps = 60, RecordEverySteps = 20, ProbeImages = 256 },
            BnPlacement = repository.BnPlacement with { TrainSubset = 512, Epochs = 1, BatchSize = 64, Momentums = [0.01, 0.5] },
        };
    }

    public static ExperimentContext Context(TrainingFixture data, ExperimentsConfig config, string directory) =>
        new(config, DataSplit.Of(data.Train), DataSplit.Of(data.Test), directory, "mnistbn experiment (test)", _ => { });
}
