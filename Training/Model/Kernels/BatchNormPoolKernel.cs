// The backward pass of BatchNorm → 2×2 max pool → ReLU on conv maps [N, C, H, W] without the
// full-size gradient of BN's output: that gradient is zero except at each window's winner (where it
// is the pooled gradient, if ReLU let the window through), so BN's two reductions need only the
// winners, and dx = a·dy + b·(x − μ) + k is one dense pass (b·(x − μ) + k) plus a scatter (a·dy).
// Compared with pooling backward into a 2 MB gradient and reading it back twice in BN's backward,
// this skips three full passes over conv1's maps per batch.
using System.Runtime.CompilerServices;
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
        ref var grad = ref MemoryMarshal.GetReference(gradPooled);
        ref var output = ref MemoryMarshal.GetReference(pooled);
        ref var winner = ref MemoryMarshal.GetReference(winners);
        ref var values = ref MemoryMarshal.GetReference(x);
        if (gradPooled.Length < batch * channels * pooledSize || x.Length < batch * channels * planeSize)
            throw new ArgumentException("spans are shorter than the shapes say");
        for (var channel = 0; channel < channels; channel++)
        {
            double gradTotal = 0, centeredTotal = 0;
            var channelMean = mean[channel];
            for (var sample = 0; sample < batch; sample++)
            {
                var plane = sample * channels + channel;
                ref var planeValues = ref Unsafe.Add(ref values, plane * planeSize);
                // Two independent pairs of sums halve the chain of dependent float additions.
                float grad0 = 0, grad1 = 0, centered0 = 0, centered1 = 0;
                var (first, end) = (plane * pooledSize, (plane + 1) * pooledSize);
                // Unchecked reads: the window and winner indices come from MaxPoolKernel over these shapes.
                var window = first;
                for (; window + 1 < end; window += 2)
                {
                    var g0 = Passed(Unsafe.Add(ref grad, window), Unsafe.Add(ref output, window), relu);
                    var g1 = Passed(Unsafe.Add(ref grad, window + 1), Unsafe.Add(ref output, window + 1), relu);
                    grad0 += g0;
                    grad1 += g1;
                    centered0 += g0 * (Unsafe.Add(ref planeValues, Unsafe.Add(ref winner, window)) - channelMean);
                    centered1 += g1 * (Unsafe.Add(ref planeValues, Unsafe.Add(ref winner, window + 1)) - channelMean);
                }
                if (window < end)
                {
                    var g0 = Passed(Unsafe.Add(ref grad, window), Unsafe.Add(ref output, window), relu);
                    grad0 += g0;
                    centered0 += g0 * (Unsafe.Add(ref planeValues, Unsafe.Add(ref winner, window)) - channelMean);
                }
                gradTotal += grad0 + grad1;
                centeredTotal += centered0 + centered1;
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
        if (gradInput.Length < batch * channels * planeSize || gradPooled.Length < batch * channels * pooledSize)
            throw new ArgumentException("spans are shorter than the shapes say");
        ref var grad = ref MemoryMarshal.GetReference(gradPooled);
        ref var output = ref MemoryMarshal.GetReference(pooled);
        ref var winner = ref MemoryMarshal.GetReference(winners);
        for (var sample = 0; sample < batch; sample++)
        {
            for (var channel = 0; channel < channels; channel++)
            {
                var plane = sample * channels + channel;
                var target = gradInput.Slice(plane * planeSize, planeSize);
                CenteredAffine(x.Slice(plane * planeSize, planeSize), target, mean[channel], b[channel], k[channel]);
                ref var targetStart = ref MemoryMarshal.GetReference(target);
                var scale = a[channel];
                for (var window = plane * pooledSize; window < (plane + 1) * pooledSize; window++)
                    Unsafe.Add(ref targetStart, Unsafe.Add(ref winner, window)) += scale * Passed(Unsafe.Add(ref grad, window), Unsafe.Add(ref output, window), relu);
            }
        }
    }

    /// <summary>The pooled gradient where ReLU let the window through, else 0 — a mask, not a branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Passed(float gradient, float pooled, bool relu)
    {
        var passes = !relu || pooled > 0;
        var mask = -(int)Unsafe.As<bool, byte>(ref passes);
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
