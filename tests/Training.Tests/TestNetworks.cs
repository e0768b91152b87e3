// The networks the tests train, built as the project builds them: a description from
// Shared/Network/Description/Networks.cs, a NetworkModule on the chosen kernels.
using MnistBn.Network.Description;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Model;

namespace MnistBn.Training.Tests;

internal static class TestNetworks
{
    /// <summary>The study's LeNet <paramref name="variant"/> (nobn, bn or bn-after), freshly initialised.</summary>
    public static NetworkModule LeNet(string variant, BatchNormConfig batchNorm, KernelChoice kernels = KernelChoice.Fast) =>
        new(Networks.LeNet(variant, new BatchNormSettings(batchNorm.Momentum, batchNorm.Epsilon)), kernels);

    /// <summary>The study's LeNet <paramref name="variant"/> initialised after torch.manual_seed(<paramref name="seed"/>), in training mode.</summary>
    public static NetworkModule SeededLeNet(string variant, BatchNormConfig batchNorm, int seed = 17)
    {
        TorchSharp.torch.manual_seed(seed);
        var model = LeNet(variant, batchNorm);
        model.train();
        return model;
    }

    /// <summary>The paper's MLP <paramref name="variant"/>, freshly initialised.</summary>
    public static NetworkModule Mlp(string variant, BatchNormConfig batchNorm, KernelChoice kernels = KernelChoice.Fast) =>
        new(Networks.PaperMlp(variant, new BatchNormSettings(batchNorm.Momentum, batchNorm.Epsilon)), kernels);
}
