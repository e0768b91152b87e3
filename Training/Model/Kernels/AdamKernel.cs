// One Adam update of a parameter as a single vectorised pass over its values, gradient and moments,
// instead of the ~8 tensor ops (each a pass and a native call) per parameter of TorchSharp's Adam.
// Same formula as TorchSharp 0.107 / PyTorch (L2 weight decay added to the gradient, no AMSGrad):
//   g = ∇ + λ·p;  m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²;  p −= stepSize · m / (√v / √bc2 + ε)
// with stepSize = lr / (1 − β1^t) and bc2 = 1 − β2^t.
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MnistBn.Training.Model.Kernels;

internal readonly record struct AdamCoefficients(float Beta1, float Beta2, float WeightDecay, float StepSize, float InvSqrtBiasCorrection2, float Epsilon)
{
    public static AdamCoefficients For(double learningRate, double beta1, double beta2, double epsilon, double weightDecay, long step) =>
        new((float)beta1, (float)beta2, (float)weightDecay,
            (float)(learningRate / (1 - Math.Pow(beta1, step))),
            (float)(1 / Math.Sqrt(1 - Math.Pow(beta2, step))),
            (float)epsilon);
}

internal static class AdamKernel
{
    /// <summary>Updates <paramref name="parameter"/>, <paramref name="expAvg"/> and <paramref name="expAvgSq"/> in place.</summary>
    public static void Step(Span<float> parameter, ReadOnlySpan<float> gradient, Span<float> expAvg, Span<float> expAvgSq, AdamCoefficients c)
    {
        if (gradient.Length != parameter.Length || expAvg.Length != parameter.Length || expAvgSq.Length != parameter.Length)
            throw new ArgumentException("parameter, gradient and moments must have the same length");
        ref var p = ref MemoryMarshal.GetReference(parameter);
        ref var g = ref MemoryMarshal.GetReference(gradient);
        ref var m = ref MemoryMarshal.GetReference(expAvg);
        ref var v = ref MemoryMarshal.GetReference(expAvgSq);
        var (beta1, beta2) = (Vector256.Create(c.Beta1), Vector256.Create(c.Beta2));
        var (oneMinusBeta1, oneMinusBeta2) = (Vector256.Create(1 - c.Beta1), Vector256.Create(1 - c.Beta2));
        var (decay, stepSize) = (Vector256.Create(c.WeightDecay), Vector256.Create(c.StepSize));
        var (invSqrtBc2, epsilon) = (Vector256.Create(c.InvSqrtBiasCorrection2), Vector256.Create(c.Epsilon));
        var i = 0;
        for (; i + 8 <= parameter.Length; i += 8)
        {
            var offset = (nuint)i;
            var pi = Vector256.LoadUnsafe(ref p, offset);
            var gi = Vector256.LoadUnsafe(ref g, offset) + decay * pi;
            var mi = beta1 * Vector256.LoadUnsafe(ref m, offset) + oneMinusBeta1 * gi;
            var vi = beta2 * Vector256.LoadUnsafe(ref v, offset) + oneMinusBeta2 * gi * gi;
            mi.StoreUnsafe(ref m, offset);
            vi.StoreUnsafe(ref v, offset);
            (pi - stepSize * mi / (Vector256.Sqrt(vi) * invSqrtBc2 + epsilon)).StoreUnsafe(ref p, offset);
        }
        for (; i < parameter.Length; i++)
        {
            var gi = gradient[i] + c.WeightDecay * parameter[i];
            expAvg[i] = c.Beta1 * expAvg[i] + (1 - c.Beta1) * gi;
            expAvgSq[i] = c.Beta2 * expAvgSq[i] + (1 - c.Beta2) * gi * gi;
            parameter[i] -= c.StepSize * expAvg[i] / (MathF.Sqrt(expAvgSq[i]) * c.InvSqrtBiasCorrection2 + c.Epsilon);
        }
    }
}
