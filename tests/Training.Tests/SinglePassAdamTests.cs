// Pins SinglePassAdam to TorchSharp's optim.Adam: the same parameters and moments after several steps
// (with and without weight decay, with a learning-rate change between steps), and state that survives
// a save/load round trip (checkpoints, --resume).
using MnistBn.Shared.Configuration;
using MnistBn.Training.DataParallel;
using MnistBn.Training.Loop;
using MnistBn.Training.Model;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistBn.Training.Tests;

public sealed class SinglePassAdamTests
{
    private static readonly BatchNormConfig Bn = new(0.01, 1e-3);

    [Theory]
    [InlineData(0.0)]
    [InlineData(1e-3)]
    public void Parameters_follow_optim_Adam(double weightDecay)
    {
        using var scope = NewDisposeScope();
        var (ours, reference) = (Model(), Model());
        var oursOptimizer = new SinglePassAdam(ours.parameters(), 0.01, weightDecay: weightDecay);
        var referenceOptimizer = optim.Adam(reference.parameters(), 0.01, weight_decay: weightDecay);
        manual_seed(3);
        var images = rand(16, 1, 28, 28);
        var labels = randint(0, 10, [16]);
        for (var step = 0; step < 6; step++)
        {
            if (step == 3)
            {
                foreach (var group in oursOptimizer.ParamGroups.Concat(referenceOptimizer.ParamGroups))
                    group.LearningRate = 0.003;
            }
            Step(ours, oursOptimizer, images, labels);
            Step(reference, referenceOptimizer, images, labels);
        }
        foreach (var ((name, value), (_, expected)) in ours.named_parameters().Zip(reference.named_parameters()))
        {
            var difference = (value - expected).abs().max().item<float>();
            // Float rounding differs (fused per element vs op by op) and six steps of a small
            // network amplify it; 1e-4 is 1% of one step at learning rate 0.01.
            Assert.True(difference < 1e-4, $"{name}: differs by {difference}");
        }
    }

    [Fact]
    public void State_matches_optim_Adam_and_round_trips()
    {
        using var scope = NewDisposeScope();
        var (ours, reference) = (Model(), Model());
        var optimizer = new SinglePassAdam(ours.parameters(), 0.01);
        var plain = optim.Adam(reference.parameters(), 0.01);
        var (images, labels) = (rand(8, 1, 28, 28), randint(0, 10, [8]));
        Step(ours, optimizer, images, labels);
        Step(reference, plain, images, labels);
        AssertSameState(plain, optimizer, exact: false);

        using var stream = new MemoryStream();
        optimizer.save_state_dict(new BinaryWriter(stream));
        stream.Position = 0;
        var restored = new SinglePassAdam(Model().parameters(), 0.01);
        restored.load_state_dict(new BinaryReader(stream));
        AssertSameState(optimizer, restored, exact: true);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Update_split_over_threads_gives_the_same_bits(int threads)
    {
        using var scope = NewDisposeScope();
        var (whole, split) = (Model(), Model());
        var wholeOptimizer = new SinglePassAdam(whole.parameters(), 0.01, weightDecay: 1e-3);
        // Real threads, each updating its own ranges of every parameter.
        using var updateThreads = new PartThreads(threads);
        var splitOptimizer = new SinglePassAdam(split.parameters(), 0.01, weightDecay: 1e-3) { UpdateThreads = updateThreads };
        var (images, labels) = (rand(16, 1, 28, 28), randint(0, 10, [16]));
        for (var step = 0; step < 3; step++)
        {
            Step(whole, wholeOptimizer, images, labels);
            Step(split, splitOptimizer, images, labels);
        }
        foreach (var ((name, expected), (_, actual)) in whole.named_parameters().Zip(split.named_parameters()))
            Assert.True(expected.eq(actual).all().item<bool>(), $"{name} differs");
        AssertSameState(wholeOptimizer, splitOptimizer, exact: true, steps: 3);
    }

    private static void AssertSameState(TorchSharp.Modules.OptimizerHelper expected, TorchSharp.Modules.OptimizerHelper actual, bool exact, int steps = 1)
    {
        var expectedStates = expected.state_dict().State.Cast<TorchSharp.Modules.Adam.State>().ToList();
        var actualStates = actual.state_dict().State.Cast<TorchSharp.Modules.Adam.State>().ToList();
        Assert.Equal(expectedStates.Count, actualStates.Count);
        foreach (var (a, b) in expectedStates.Zip(actualStates))
        {
            Assert.Equal(steps, b.step);
            Assert.Equal(a.step, b.step);
            var tolerance = exact ? 0 : 1e-6f;
            Assert.True((a.exp_avg - b.exp_avg).abs().max().item<float>() <= tolerance);
            Assert.True((a.exp_avg_sq - b.exp_avg_sq).abs().max().item<float>() <= tolerance);
        }
    }

    private static NetworkModule Model()
    {
        manual_seed(11);
        var model = TestNetworks.LeNet("bn", Bn);
        model.train();
        return model;
    }

    private static void Step(NetworkModule model, optim.Optimizer optimizer, Tensor images, Tensor labels)
    {
        optimizer.zero_grad();
        F.cross_entropy(model.call(images), labels).backward();
        optimizer.step();
    }
}
