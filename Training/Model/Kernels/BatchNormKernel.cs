// Batch-normalisation arithmetic over data laid out as [batch, channels, size] (contiguous): conv maps
// [N, C, H·W] (fully connected features [N, C] go to FeatureBatchNormKernel). Each channel's
// values are `batch` contiguous runs of `size` floats, which the loops walk with 256-bit vectors.
// Four passes instead of ~25 LibTorch ops per BatchNorm layer and batch, each its own pass over
// memory, reducing over the non-contiguous axes N, H, W.
// Accuracy: per-run partial sums in float (at most a few hundred values per lane), channel totals in
// double; the variance is taken in a second pass around the mean, not as E[x²] − E[x]². The two
// statistics passes are separate methods so that a batch split over threads can add up each pass's
// sums over the whole batch between them (Training/DataParallel/BatchStatisticsReducer).
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MnistBn.Training.Model.Kernels;

internal static class BatchNormKernel
{
    /// <summary>Per channel: Σ x over the batch (float per run, double across runs).</summary>
    public static void ChannelSums(ReadOnlySpan<float> x, int batch, int channels, int size, Span<double> sums)
    {
        for (var channel = 0; channel < channels; channel++)
        {
            double sum = 0;
            for (var sample = 0; sample < batch; sample++)
                sum += Sum(Run(x, sample, channel, channels, size));
            sums[channel] = sum;
        }
    }

    /// <summary>Per channel: Σ (x − mean)², the deviations taken in float around the mean rounded to float.</summary>
    public static void SquaredDeviationSums(ReadOnlySpan<float> x, int batch, int channels, int size, ReadOnlySpan<double> mean, Span<double> squares)
    {
        for (var channel = 0; channel < channels; channel++)
        {
            double sum = 0;
            for (var sample = 0; sample < batch; sample++)
                sum += SumOfSquaredDeviations(Run(x, sample, channel, channels, size), (float)mean[channel]);
            squares[channel] = sum;
        }
    }

    /// <summary>
    /// running = (1 − momentum)·running + weight·batch per channel, rounded exactly as LibTorch's
    /// running.mul_(1 − momentum).add_(batch, alpha: weight) (a float product, then a fused multiply-add).
    /// </summary>
    public static void UpdateRunning(Span<float> running, ReadOnlySpan<double> batch, double momentum, double weight)
    {
        if (running.Length != batch.Length)
            throw new ArgumentException($"{running.Length} running values but {batch.Length} batch values");
        var (keep, alpha) = ((float)(1 - momentum), (float)weight);
        for (var c = 0; c < running.Length; c++)
            running[c] = MathF.FusedMultiplyAdd(alpha, (float)batch[c], running[c] * keep);
    }

    /// <summary>y = x·scale[c] + shift[c], as a fused multiply-add (MaxPoolKernel.ForwardScaled rounds the same way).</summary>
    public static void ScaleShift(ReadOnlySpan<float> x, Span<float> y, int batch, int channels, int size,
        ReadOnlySpan<float> scale, ReadOnlySpan<float> shift)
    {
        for (var sample = 0; sample < batch; sample++)
        {
            for (var channel = 0; channel < channels; channel++)
            {
                var offset = (sample * channels + channel) * size;
                MultiplyAdd(x.Slice(offset, size), scale[channel], shift[channel], y.Slice(offset, size));
            }
        }
    }

    /// <summary>Per channel: Σ dy and Σ dy·(x − mean), the two reductions of the backward pass.</summary>
    public static void GradientSums(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> x, int batch, int channels, int size,
        ReadOnlySpan<float> mean, Span<double> sumGrad, Span<double> sumGradCentered)
    {
        for (var channel = 0; channel < channels; channel++)
        {
            double gradTotal = 0, centeredTotal = 0;
            for (var sample = 0; sample < batch; sample++)
            {
                var (grad, centered) = BatchNormPoolKernel.GradientSums(Run(gradOutput, sample, channel, channels, size), Run(x, sample, channel, channels, size), mean[channel]);
                gradTotal += grad;
                centeredTotal += centered;
            }
            sumGrad[channel] = gradTotal;
            sumGradCentered[channel] = centeredTotal;
        }
    }

    /// <summary>dx = a[c]·dy + b[c]·(x − mean[c]) + k[c].</summary>
    public static void InputGradient(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> x, Span<float> gradInput,
        int batch, int channels, int size, ReadOnlySpan<float> mean, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> k)
    {
        for (var sample = 0; sample < batch; sample++)
        {
            for (var channel = 0; channel < channels; channel++)
            {
                var offset = (sample * channels + channel) * size;
                Combine(gradOutput.Slice(offset, size), x.Slice(offset, size), gradInput.Slice(offset, size),
                    mean[channel], a[channel], b[channel], k[channel]);
            }
        }
    }

    private static ReadOnlySpan<float> Run(ReadOnlySpan<float> data, int sample, int channel, int channels, int size) =>
        data.Slice((sample * channels + channel) * size, size);

    private static float Sum(ReadOnlySpan<float> values)
    {
        ref var start = ref MemoryMarshal.GetReference(values);
        var (even, odd) = (Vector256<float>.Zero, Vector256<float>.Zero);
        var i = 0;
        for (; i + 16 <= values.Length; i += 16)
        {
            even += Vector256.LoadUnsafe(ref start, (nuint)i);
            odd += Vector256.LoadUnsafe(ref start, (nuint)i + 8);
        }
        var sum = Vector256.Sum(even + odd);
        for (; i < values.Length; i++)
            sum += values[i];
        return sum;
    }

    private static float SumOfSquaredDeviations(ReadOnlySpan<float> values, float mean)
    {
        ref var start = ref MemoryMarshal.GetReference(values);
        var center = Vector256.Create(mean);
        var (even, odd) = (Vector256<float>.Zero, Vector256<float>.Zero);
        var i = 0;
        for (; i + 16 <= values.Length; i += 16)
        {
            var d0 = Vector256.LoadUnsafe(ref start, (nuint)i) - center;
            var d1 = Vector256.LoadUnsafe(ref start, (nuint)i + 8) - center;
            even += d0 * d0;
            odd += d1 * d1;
        }
        var sum = Vector256.Sum(even + odd);
        for (; i < values.Length; i++)
            sum += (values[i] - mean) * (values[i] - mean);
        return sum;
    }

    private static void MultiplyAdd(ReadOnlySpan<float> x, float scale, float shift, Span<float> y)
    {
        ref var xStart = ref MemoryMarshal.GetReference(x);
        ref var yStart = ref MemoryMarshal.GetReference(y);
        var (scales, shifts) = (Vector256.Create(scale), Vector256.Create(shift));
        var i = 0;
        for (; i + 8 <= x.Length; i += 8)
            Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xStart, (nuint)i), scales, shifts).StoreUnsafe(ref yStart, (nuint)i);
        for (; i < x.Length; i++)
            y[i] = MathF.FusedMultiplyAdd(x[i], scale, shift);
    }

    private static void Combine(ReadOnlySpan<float> grad, ReadOnlySpan<float> x, Span<float> result, float mean, float a, float b, float k)
    {
        ref var gradStart = ref MemoryMarshal.GetReference(grad);
        ref var xStart = ref MemoryMarshal.GetReference(x);
        ref var resultStart = ref MemoryMarshal.GetReference(result);
        var (means, aa, bb, kk) = (Vector256.Create(mean), Vector256.Create(a), Vector256.Create(b), Vector256.Create(k));
        var i = 0;
        for (; i + 8 <= grad.Length; i += 8)
        {
            var value = aa * Vector256.LoadUnsafe(ref gradStart, (nuint)i) + bb * (Vector256.LoadUnsafe(ref xStart, (nuint)i) - means) + kk;
            value.StoreUnsafe(ref resultStart, (nuint)i);
        }
        for (; i < grad.Length; i++)
            result[i] = a * grad[i] + b * (x[i] - mean) + k;
    }
}
