// Pins the training loop on a real MNIST subset: it learns, it is deterministic, --resume ends where
// an uninterrupted run ends, checkpoints carry config and state, and divergence stops cleanly.
using MnistBn.Shared.Configuration;
using MnistBn.Training.Loop;

namespace MnistBn.Training.Tests;

public sealed class TrainerTests(TrainingFixture data) : IClassFixture<TrainingFixture>
{
    [Fact]
    public void Bn_variant_learns_and_writes_checkpoint_and_history()
    {
        using var temp = new TempDirectory();
        var config = TrainingFixture.Config(3, temp.Path);
        var (model, history) = Train(config, "bn", temp.Path, resume: false);
        using (model)
        {
            Assert.Equal(3, history.Epochs.Count);
            var last = history.Epochs[^1];
            Assert.True(last.TestAccuracy > 0.8, $"test accuracy {last.TestAccuracy} after three epochs on 1024 images");
            var saved = TrainingHistory.Load(Path.Combine(temp.Path, "bn", TrainingHistory.FileName));
            Assert.Equal(history.Epochs, saved.Epochs);
            Assert.Equal(PipelineConfigJson.Hash(config), saved.ConfigHash);
        }
        var (loaded, header) = Checkpoint.LoadModel(Path.Combine(temp.Path, "bn", Checkpoint.FileName));
        using (loaded)
        {
            Assert.Equal(PipelineConfigJson.Serialize(config), header.ConfigJson);
            Assert.Equal(3, header.EpochsCompleted);
            var (_, accuracy) = ClassifierEvaluation.Evaluate(loaded, data.Test.Images, data.Test.Labels);
            Assert.Equal(history.Epochs[^1].TestAccuracy, accuracy);
        }
        Assert.Empty(Directory.GetFiles(Path.Combine(temp.Path, "bn"), "*.tmp"));
    }

    [Fact]
    public void Same_seed_and_threads_give_the_same_metrics()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        var a = Train(TrainingFixture.Config(1, first.Path), "nobn", first.Path, resume: false);
        var b = Train(TrainingFixture.Config(1, second.Path), "nobn", second.Path, resume: false);
        a.Model.Dispose();
        b.Model.Dispose();
        Assert.Equal(Comparable(a.History), Comparable(b.History));
    }

    [Fact]
    public void Resumed_run_ends_with_the_same_metrics_as_an_uninterrupted_one()
    {
        using var interrupted = new TempDirectory();
        using var straight = new TempDirectory();
        Train(TrainingFixture.Config(2, interrupted.Path), "bn", interrupted.Path, resume: false).Model.Dispose();
        var resumed = Train(TrainingFixture.Config(3, interrupted.Path), "bn", interrupted.Path, resume: true);
        var uninterrupted = Train(TrainingFixture.Config(3, straight.Path), "bn", straight.Path, resume: false);
        resumed.Model.Dispose();
        uninterrupted.Model.Dispose();
        Assert.Equal(3, resumed.History.Epochs.Count);
        Assert.Equal(Comparable(uninterrupted.History), Comparable(resumed.History));
    }

    [Fact]
    public void Resume_with_a_different_config_is_refused()
    {
        using var temp = new TempDirectory();
        var config = TrainingFixture.Config(1, temp.Path);
        Train(config, "nobn", temp.Path, resume: false).Model.Dispose();
        var changed = config with { Training = config.Training with { LearningRate = 0.01 } };
        var error = Assert.Throws<ConfigException>(() => Train(changed, "nobn", temp.Path, resume: true));
        Assert.Contains("different configuration: training.learning_rate (0.002 → 0.01); only training.epochs may change", error.Message);
    }

    [Fact]
    public void Diverging_run_stops_and_keeps_the_last_good_checkpoint()
    {
        using var temp = new TempDirectory();
        var good = TrainingFixture.Config(1, temp.Path);
        Train(good, "nobn", temp.Path, resume: false).Model.Dispose();
        var checkpoint = Path.Combine(temp.Path, "nobn", Checkpoint.FileName);
        var before = File.ReadAllBytes(checkpoint);

        var exploding = good with { Training = good.Training with { Optimizer = "sgd", LearningRate = 10, SgdMomentum = 0.99, Epochs = 2 } };
        var error = Assert.Throws<TrainingDivergedException>(() => Train(exploding with { Training = exploding.Training with { LearningRate = 1e30 } }, "nobn", temp.Path, resume: false));
        Assert.Contains("epoch 1", error.Message);
        Assert.Equal(before, File.ReadAllBytes(checkpoint));
    }

    [Fact]
    public void Learning_rate_decays_per_epoch_from_the_configured_rate()
    {
        var training = TrainingFixture.Config(3, "unused").Training with { LearningRate = 0.002, LearningRateDecay = 0.5 };
        Assert.Equal(0.002, Trainer.LearningRate(training, 0), 15);
        Assert.Equal(0.0005, Trainer.LearningRate(training, 2), 15);
        Assert.Equal(0.002, Trainer.LearningRate(training with { LearningRateDecay = 1 }, 7), 15);
    }

    [Fact]
    public void Decay_changes_training_from_the_second_epoch_on()
    {
        using var temp = new TempDirectory();
        var constant = TrainingFixture.Config(2, temp.Path);
        var decayed = constant with { Training = constant.Training with { LearningRateDecay = 0.05 } };
        var (a, constantHistory) = Train(constant, "nobn", Path.Combine(temp.Path, "constant"), resume: false);
        var (b, decayedHistory) = Train(decayed, "nobn", Path.Combine(temp.Path, "decayed"), resume: false);
        a.Dispose();
        b.Dispose();
        Assert.Equal(Comparable(constantHistory)[0], Comparable(decayedHistory)[0]);
        Assert.NotEqual(Comparable(constantHistory)[1], Comparable(decayedHistory)[1]);
    }

    private (MnistBn.Training.Model.NetworkModule Model, TrainingHistory History) Train(PipelineConfig config, string variant, string output, bool resume) =>
        new Trainer(config, data.Train, data.Test, _ => { }).Run(variant, output, resume, NoProgress.Instance);

    // Wall times differ between runs; everything else must be identical.
    private static object[] Comparable(TrainingHistory history) =>
        history.Epochs.Select(e => (object)(e.Epoch, e.TrainLoss, e.TrainAccuracy, e.TestLoss, e.TestAccuracy)).ToArray();
}
