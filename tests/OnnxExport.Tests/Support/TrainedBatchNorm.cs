// BatchNorm layers as after training: a fresh layer (γ = 1, β = 0, mean 0, variance 1) is the identity
// up to ε and would hide a wrong folding formula, so tests give every BatchNorm non-trivial values.
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests.Support;

internal static class TrainedBatchNorm
{
    /// <summary>
    /// Every BatchNorm in <paramref name="module"/> gets random running statistics (mean ~ N(0, 0.5²),
    /// variance in [0.3, 2)) and, where affine, γ in [0.5, 1.5) and β ~ N(0, 0.3²); then eval mode.
    /// </summary>
    public static T Randomise<T>(T module, int seed = 11) where T : nn.Module
    {
        manual_seed(seed);
        using var noGrad = no_grad();
        foreach (var norm in module.modules().Prepend(module).OfType<NormBase>().Distinct())
        {
            var c = norm.num_features;
            norm.running_mean!.copy_(randn(c) * 0.5);
            norm.running_var!.copy_(rand(c) * 1.7 + 0.3);
            norm.weight?.copy_(rand(c) + 0.5);
            norm.bias?.copy_(randn(c) * 0.3);
        }
        module.eval();
        return module;
    }

    /// <summary>Running statistics from a few training-mode forwards on shifted, scaled random batches; then eval mode.</summary>
    public static T WarmUp<T>(T module, long[] inputShape, int steps = 5, int seed = 12) where T : nn.Module<Tensor, Tensor>
    {
        manual_seed(seed);
        using var noGrad = no_grad();
        module.train();
        for (var i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            module.call(randn([8, .. inputShape]) * 2 + 0.5);
        }
        module.eval();
        return module;
    }
}
