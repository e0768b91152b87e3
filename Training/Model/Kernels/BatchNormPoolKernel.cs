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
    /// winners of the windows whose pooled output passed ReLU (all windows without <paramref name="relu"/>),
    /// and <paramref name="winnerInputs"/> holds x at each winner (MaxPoolKernel.ForwardScaled), so the
    /// sums run over contiguous windows.
    /// </summary>
    public static void GradientSums(ReadOnlySpan<float> gradPooled, ReadOnlySpan<float> pooled, ReadOnlySpan<float> winnerInputs,
        int batch, int channels, int pooledSize, bool relu, ReadOnlySpan<float> mean, Span<double> sumGrad, Span<double> sumGradCentered)
    {
        for (var channel = 0; channel < channels; channel++)
        {
            double gradTotal = 0, centeredTotal = 0;
            for (var sample = 0; sample < batch; sample++)
            {
                var offset = (sample * channels + channel) * pooledSize;
                var (grad, centered) = PlaneSums(gradPooled.Slice(offset, pooledSize), pooled.Slice(offset, pooledSize),
                    winnerInputs.Slice(offset, pooledSize), relu, mean[channel]);
                gradTotal += grad;
                centeredTotal += centered;
            }
            sumGrad[channel] = gradTotal;
            sumGradCentered[channel] = centeredTotal;
        }
    }

    /// <summary>Σ dy and Σ dy·(x − mean) over one unpooled plane (BatchNormKernel's backward): the same sums with nothing masked.</summary>
    public static (float Grad, float Centered) GradientSums(ReadOnlySpan<float> grad, ReadOnlySpan<float> x, float mean) =>
        PlaneSums(grad, x, x, relu: false, mean);

    private static (float Grad, float Centered) PlaneSums(ReadOnlySpan<float> grad, ReadOnlySpan<float> pooled, ReadOnlySpan<float> inputs,
        bool relu, float mean)
    {
        ref var gradStart = ref MemoryMarshal.GetReference(grad);
        ref var pooledStart = ref MemoryMarshal.GetReference(pooled);
        ref var inputStart = ref MemoryMarshal.GetReference(inputs);
        var means = Vector256.Create(mean);
        var (gradSum, centeredSum) = (Vector256<float>.Zero, Vector256<float>.Zero);
        var i = 0;
        for (; i + 8 <= grad.Length; i += 8)
        {
            var g = Vector256.LoadUnsafe(ref gradStart, (nuint)i);
            if (relu)
                g &= Vector256.GreaterThan(Vector256.LoadUnsafe(ref pooledStart, (nuint)i), Vector256<float>.Zero);
            gradSum += g;
            centeredSum = Vector256.FusedMultiplyAdd(g, Vector256.LoadUnsafe(ref inputStart, (nuint)i) - means, centeredSum);
        }
        var (gradTotal, centeredTotal) = (Vector256.Sum(gradSum), Vector256.Sum(centeredSum));
        for (; i < grad.Length; i++)
        {
            var g = MaxPoolKernel.PassedGradient(grad[i], pooled[i], relu);
            gradTotal += g;
            centeredTotal += g * (inputs[i] - mean);
        }
        return (gradTotal, centeredTotal);
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
                    Unsafe.Add(ref targetStart, Unsafe.Add(ref winner, window)) += scale * MaxPoolKernel.PassedGradient(Unsafe.Add(ref grad, window), Unsafe.Add(ref output, window), relu);
            }
        }
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
