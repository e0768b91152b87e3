// Batch-normalisation arithmetic for fully connected features [N, C] (row-major): the same four steps
// as BatchNormKernel, but each row holds one value of every channel, so the loops run along the rows
// with one vector lane per channel — no transposes. Channel sums are kept in double (one per channel);
// the variance is taken around the mean in a second pass, as in BatchNormKernel.
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MnistBn.Training.Model.Kernels;

internal static class FeatureBatchNormKernel
{
    private const int MaxStackChannels = 1024;

    /// <summary>Per channel: Σ x over the <paramref name="batch"/> rows, in double.</summary>
    public static void ChannelSums(ReadOnlySpan<float> x, int batch, int channels, Span<double> sums)
    {
        sums.Clear();
        for (var row = 0; row < batch; row++)
            AddWidened(x.Slice(row * channels, channels), sums);
    }

    /// <summary>Per channel: Σ (x − mean)², each deviation rounded to float and squared in float, summed in double.</summary>
    public static void SquaredDeviationSums(ReadOnlySpan<float> x, int batch, int channels, ReadOnlySpan<double> mean, Span<double> squares)
    {
        // One row of scratch; on the heap for wide layers, so the stack stays small.
        Span<float> centred = channels <= MaxStackChannels ? stackalloc float[channels] : new float[channels];
        squares.Clear();
        for (var row = 0; row < batch; row++)
        {
            var values = x.Slice(row * channels, channels);
            for (var c = 0; c < channels; c++)
                centred[c] = (float)(values[c] - mean[c]);
            Square(centred);
            AddWidened(centred, squares);
        }
    }

    /// <summary>y = x·scale[c] + shift[c], as a fused multiply-add like BatchNormKernel.ScaleShift.</summary>
    public static void ScaleShift(ReadOnlySpan<float> x, Span<float> y, int batch, int channels, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift)
    {
        for (var row = 0; row < batch; row++)
        {
            var source = x.Slice(row * channels, channels);
            var target = y.Slice(row * channels, channels);
            var c = 0;
            for (; c + 8 <= channels; c += 8)
                Vector256.FusedMultiplyAdd(Load(source, c), Load(scale, c), Load(shift, c)).StoreUnsafe(ref MemoryMarshal.GetReference(target), (nuint)c);
            for (; c < channels; c++)
                target[c] = MathF.FusedMultiplyAdd(source[c], scale[c], shift[c]);
        }
    }

    /// <summary>Per channel: Σ dy and Σ dy·(x − mean).</summary>
    public static void GradientSums(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> x, int batch, int channels,
        ReadOnlySpan<float> mean, Span<double> sumGrad, Span<double> sumGradCentered)
    {
        sumGrad.Clear();
        sumGradCentered.Clear();
        Span<float> products = channels <= MaxStackChannels ? stackalloc float[channels] : new float[channels];
        for (var row = 0; row < batch; row++)
        {
            var grad = gradOutput.Slice(row * channels, channels);
            var values = x.Slice(row * channels, channels);
            AddWidened(grad, sumGrad);
            for (var c = 0; c < channels; c++)
                products[c] = grad[c] * (values[c] - mean[c]);
            AddWidened(products, sumGradCentered);
        }
    }

    /// <summary>dx = a[c]·dy + b[c]·(x − mean[c]) + k[c].</summary>
    public static void InputGradient(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> x, Span<float> gradInput, int batch, int channels,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> k)
    {
        for (var row = 0; row < batch; row++)
        {
            var offset = row * channels;
            var grad = gradOutput.Slice(offset, channels);
            var values = x.Slice(offset, channels);
            var target = gradInput.Slice(offset, channels);
            var c = 0;
            for (; c + 8 <= channels; c += 8)
            {
                var value = Load(a, c) * Load(grad, c) + Load(b, c) * (Load(values, c) - Load(mean, c)) + Load(k, c);
                value.StoreUnsafe(ref MemoryMarshal.GetReference(target), (nuint)c);
            }
            for (; c < channels; c++)
                target[c] = a[c] * grad[c] + b[c] * (values[c] - mean[c]) + k[c];
        }
    }

    /// <summary>sums[c] += values[c], eight channels at a time (widened to double).</summary>
    private static void AddWidened(ReadOnlySpan<float> values, Span<double> sums)
    {
        ref var sumStart = ref MemoryMarshal.GetReference(sums);
        var c = 0;
        for (; c + 8 <= values.Length; c += 8)
        {
            var (low, high) = Vector256.Widen(Load(values, c));
            (Vector256.LoadUnsafe(ref sumStart, (nuint)c) + low).StoreUnsafe(ref sumStart, (nuint)c);
            (Vector256.LoadUnsafe(ref sumStart, (nuint)c + 4) + high).StoreUnsafe(ref sumStart, (nuint)c + 4);
        }
        for (; c < values.Length; c++)
            sums[c] += values[c];
    }

    private static void Square(Span<float> values)
    {
        ref var start = ref MemoryMarshal.GetReference(values);
        var c = 0;
        for (; c + 8 <= values.Length; c += 8)
        {
            var v = Vector256.LoadUnsafe(ref start, (nuint)c);
            (v * v).StoreUnsafe(ref start, (nuint)c);
        }
        for (; c < values.Length; c++)
            values[c] *= values[c];
    }

    private static Vector256<float> Load(ReadOnlySpan<float> values, int offset) =>
        Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(values), (nuint)offset);
}
