// Modules built under a fixed torch seed, so every run initialises the same weights.
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests.Support;

internal static class Seeded
{
    /// <summary><paramref name="build"/>() under seed <paramref name="seed"/>, in eval mode.</summary>
    public static T Eval<T>(Func<T> build, int seed = 3) where T : nn.Module
    {
        manual_seed(seed);
        var module = build();
        module.eval();
        return module;
    }

    /// <summary>As <see cref="Eval{T}"/>, with every BatchNorm given trained-looking values (<see cref="TrainedBatchNorm.Randomise{T}"/>).</summary>
    public static T Trained<T>(Func<T> build, int seed = 3) where T : nn.Module => TrainedBatchNorm.Randomise(Eval(build, seed), seed + 100);
}
