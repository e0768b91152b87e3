// LeNetWeights.FromModel: copies a module's tensors by name, and refuses models whose export would
// not match what the user expects (training mode, never-tracked BatchNorm statistics).
using MnistBn.Shared.Configuration;
using MnistBn.Training.Export;
using MnistBn.Training.Model;
using static TorchSharp.torch;

namespace MnistBn.Training.Tests.Export;

public sealed class FromModelTests
{
    private static readonly BatchNormConfig Bn = new(0.1, 1e-3);

    [Fact]
    public void Model_in_training_mode_is_refused()
    {
        using var model = TestNetworks.LeNet("nobn", Bn);
        model.train();

        var error = Assert.Throws<InvalidOperationException>(() => LeNetWeights.FromModel(model));

        Assert.Contains("training mode", error.Message);
    }

    [Fact]
    public void Bn_model_whose_statistics_were_never_tracked_is_refused()
    {
        using var model = TestNetworks.LeNet("bn", Bn);
        model.eval();

        var error = Assert.Throws<InvalidDataException>(() => LeNetWeights.FromModel(model));

        Assert.Contains("bn1 has never tracked statistics (num_batches_tracked = 0)", error.Message);
    }

    [Fact]
    public void Weights_and_statistics_are_copied_by_name()
    {
        manual_seed(3);
        using var model = TestNetworks.LeNet("bn", Bn);
        model.train();
        using (no_grad())
            model.call(rand(8, 1, 28, 28)).Dispose();
        model.eval();

        var weights = LeNetWeights.FromModel(model);

        var state = model.state_dict();
        Assert.Equal(state["conv2.weight"].data<float>().ToArray(), weights.Conv2.Weight);
        Assert.Equal(state["bn3.running_var"].data<float>().ToArray(), weights.Fc1.BatchNorm!.RunningVar);
        Assert.Equal(state["fc3.bias"].data<float>().ToArray(), weights.Fc3.Bias);
        Assert.Null(weights.Conv1.Bias);
        Assert.Equal(1e-3f, weights.Fc2.BatchNorm!.Epsilon);
        Assert.Equal("bn", weights.Variant);
    }
}
