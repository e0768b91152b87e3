// ModuleWeights.Read: copies a module's tensors by the description's names, and refuses modules whose
// export would not match what the user expects (training mode, never-tracked BatchNorm statistics).
using MnistBn.Shared.Configuration;
using MnistBn.Training.Export;
using MnistBn.Training.Model;
using static TorchSharp.torch;

namespace MnistBn.Training.Tests.Export;

public sealed class ModuleWeightsTests
{
    private static readonly BatchNormConfig Bn = new(0.1, 1e-3);

    [Fact]
    public void Module_in_training_mode_is_refused()
    {
        using var model = TestNetworks.LeNet("nobn", Bn);
        model.train();

        var error = Assert.Throws<InvalidOperationException>(() => ModuleWeights.Read(model, model.Description));

        Assert.Contains("lenet-nobn in training mode", error.Message);
    }

    [Fact]
    public void Bn_module_whose_statistics_were_never_tracked_is_refused()
    {
        using var model = TestNetworks.LeNet("bn", Bn);
        model.eval();

        var error = Assert.Throws<InvalidDataException>(() => ModuleWeights.Read(model, model.Description));

        Assert.Contains("bn1 has never tracked statistics (num_batches_tracked = 0)", error.Message);
    }

    [Fact]
    public void Module_that_does_not_implement_the_description_is_refused_naming_the_missing_tensor()
    {
        // The MLP's state_dict read as LeNet: the mix-up a hand-written module with other names would cause.
        using var model = TestNetworks.Mlp("nobn", Bn);
        model.eval();

        var error = Assert.Throws<InvalidDataException>(() => ModuleWeights.Read(model, TestNetworks.LeNet("nobn", Bn).Description));

        Assert.Contains("its state_dict has no 'conv1.weight'", error.Message);
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

        var weights = ModuleWeights.Read(model, model.Description);

        var state = model.state_dict();
        Assert.Equal(state["conv2.weight"].data<float>().ToArray(), weights.Layer("conv2").Weight);
        Assert.Equal(state["bn3.running_var"].data<float>().ToArray(), weights.Norm("bn3").RunningVar);
        Assert.Equal(state["fc3.bias"].data<float>().ToArray(), weights.Layer("fc3").Bias);
        Assert.Null(weights.Layer("conv1").Bias);
        Assert.Equal(1e-3f, weights.Norm("bn4").Epsilon);
    }
}
