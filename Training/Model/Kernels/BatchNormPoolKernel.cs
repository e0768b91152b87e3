// The backward pass of BatchNorm → 2×2 max pool → ReLU on conv maps [N, C, H, W] without the
// full-size gradient of BN's output: that gradient is zero except at each window's winner (where it
// is the pooled gradient, if ReLU let the window through), so BN's two reductions need only the
// winners, and dx = a·dy + b·(x − μ) + k is one dense pass (b·(x − μ) + k) plus a scatter (a·dy).
// Compared with pooling backward into a 2 MB gradient and reading it back twice in BN's backward,
// this skips three full passes over conv1's maps per batch.
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MnistBn.Training.Model.Kernels;

internal static class BatchNormPoolKernel
{
    /// <summary>
    /// Per channel: Σ dy and Σ dy·(x − mean), where dy is <paramref name="gradPooled"/> placed at the
    /// winners of the windows whose pooled output passed ReLU (all windows without <paramref name="relu"/>).
    /// </summary>
    public static void GradientSums(ReadOnlySpan<float> gradPooled, ReadOnlySpan<float> pooled, ReadOnlySpan<int> winners,
        ReadOnlySpan<float> x, int batch, int channels, int planeSize, int pooledSize, bool relu,
        ReadOnlySpan<float> mean, Span<double> sumGrad, Span<double> sumGradCentered)
    {
        for (var channel = 0; channel < channels; channel++)
        {
            double gradTotal = 0, centeredTotal = 0;
            for (var sample = 0; sample < batch; sample++)
            {
                var plane = sample * channels + channel;
                var values = x.Slice(plane * planeSize, planeSize);
                float planeGrad = 0, planeCentered = 0;
                for (var window = plane * pooledSize; window < (plane + 1) * pooledSize; window++)
                {
                    var gradient = Passed(gradPooled[window], pooled[window], relu);
                    planeGrad += gradient;
                    planeCentered += gradient * (values[winners[window]] - mean[channel]);
                }
                gradTotal += planeGrad;
                centeredTotal += planeCentered;
            }
            sumGrad[channel] = gradTotal;
            sumGradCentered[channel] = centeredTotal;
        }
    }

    /// <summary>dx = b[c]·(x − mean[c]) + k[c] everywhere, plus a[c]·dy at the winners.</summary>
    public static void InputGradient(ReadOnlySpan<float> gradPooled, ReadOnlySpan<float> pooled, ReadOnlySpan<int> winners,
        ReadOnlySpan<float> x, Span<float> gradInput, int batch, int channels, int planeSize, int pooledSize, bool relu,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> k)
    {
        for (var sample = 0; sample < batch; sample++)
        {
            for (var channel = 0; channel < channels; channel++)
            {
                var plane = sample * channels + channel;
                var values = x.Slice(plane * planeSize, planeSize);
                var target = gradInput.Slice(plane * planeSize, planeSize);
                CenteredAffine(values, target, mean[channel], b[channel], k[channel]);
                for (var window = plane * pooledSize; window < (plane + 1) * pooledSize; window++)
                    target[winners[window]] += a[channel] * Passed(gradPooled[window], pooled[window], relu);
            }
        }
    }

    /// <summary>The pooled gradient where ReLU let the window through, else 0 — a mask, not a branch.</summary>
    private static float Passed(float gradient, float pooled, bool relu)
    {
        var passes = !relu || pooled > 0;
        var mask = -(int)System.Runtime.CompilerServices.Unsafe.As<bool, byte>(ref passes);
        return BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(gradient) & mask);
    }

    /// <summary>target = b·(x − mean) + k.</summary>
    private static void CenteredAffine(ReadOnlySpan<float> x, Span<float> target, float mean, float b, float k)
    {
        ref var xStart = ref MemoryMarshal.GetReference(x);
        ref var targetStart = ref MemoryMarshal.GetReference(target);
        var (means, bb, kk) = (Vector256.Create(mean), Vector256.Create(b), Vector256.Create(k));
        var i = 0;
        for (; i + 8 <= x.Length; i += 8)
            Vector256.FusedMultiplyAdd(bb, Vector256.LoadUnsafe(ref xStart, (nuint)i) - means, kk).StoreUnsafe(ref targetStart, (nuint)i);
        for (; i < x.Length; i++)
            target[i] = MathF.FusedMultiplyAdd(b, x[i] - mean, k);
    }
}
