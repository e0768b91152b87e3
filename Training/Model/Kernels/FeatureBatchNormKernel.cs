// Batch-normalisation arithmetic for fully connected features [N, C] (row-major): the same four steps
// as BatchNormKernel, but each row holds one value of every channel, so the loops run along the rows
// with one vector lane per channel — no transposes. Channel sums are kept in double (one per channel)
// and run down the columns, four channels at a time in registers rather than in a memory array of
// sums, adding the rows in order; the variance is taken around the mean in a second pass, as in
// BatchNormKernel.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MnistBn.Training.Model.Kernels;

internal static class FeatureBatchNormKernel
{
    // Channels summed together down the rows: four doubles fill a 256-bit vector.
    private const int ColumnBlock = 4;

    /// <summary>Per channel: Σ x over the <paramref name="batch"/> rows, in double, row by row.</summary>
    public static void ChannelSums(ReadOnlySpan<float> x, int batch, int channels, Span<double> sums)
    {
        ref var values = ref MemoryMarshal.GetReference(x);
        var c = 0;
        for (; c + ColumnBlock <= channels; c += ColumnBlock)
        {
            var sum = Vector256<double>.Zero;
            for (var row = 0; row < batch; row++)
                sum += Widen(ref values, row * channels + c);
            sum.CopyTo(sums[c..]);
        }
        for (; c < channels; c++)
        {
            double sum = 0;
            for (var row = 0; row < batch; row++)
                sum += x[row * channels + c];
            sums[c] = sum;
        }
    }

    /// <summary>Per channel: Σ (x − mean)², each deviation rounded to float and squared in float, summed in double row by row.</summary>
    public static void SquaredDeviationSums(ReadOnlySpan<float> x, int batch, int channels, ReadOnlySpan<double> mean, Span<double> squares)
    {
        ref var values = ref MemoryMarshal.GetReference(x);
        var c = 0;
        for (; c + ColumnBlock <= channels; c += ColumnBlock)
        {
            var means = Vector256.Create(mean.Slice(c, ColumnBlock));
            var sum = Vector256<double>.Zero;
            for (var row = 0; row < batch; row++)
            {
                var deviation = Narrow(Widen(ref values, row * channels + c) - means);
                sum += Widen(deviation * deviation);
            }
            sum.CopyTo(squares[c..]);
        }
        for (; c < channels; c++)
        {
            double sum = 0;
            for (var row = 0; row < batch; row++)
            {
                var deviation = (float)(x[row * channels + c] - mean[c]);
                sum += deviation * deviation;
            }
            squares[c] = sum;
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

    /// <summary>Per channel: Σ dy and Σ dy·(x − mean), the products in float, the sums in double row by row.</summary>
    public static void GradientSums(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> x, int batch, int channels,
        ReadOnlySpan<float> mean, Span<double> sumGrad, Span<double> sumGradCentered)
    {
        ref var grads = ref MemoryMarshal.GetReference(gradOutput);
        ref var values = ref MemoryMarshal.GetReference(x);
        var c = 0;
        for (; c + ColumnBlock <= channels; c += ColumnBlock)
        {
            var means = Vector128.Create(mean.Slice(c, ColumnBlock));
            var (gradSum, centeredSum) = (Vector256<double>.Zero, Vector256<double>.Zero);
            for (var row = 0; row < batch; row++)
            {
                var offset = (nuint)(row * channels + c);
                var grad = Vector128.LoadUnsafe(ref grads, offset);
                gradSum += Widen(grad);
                centeredSum += Widen(grad * (Vector128.LoadUnsafe(ref values, offset) - means));
            }
            gradSum.CopyTo(sumGrad[c..]);
            centeredSum.CopyTo(sumGradCentered[c..]);
        }
        for (; c < channels; c++)
        {
            double gradTotal = 0, centeredTotal = 0;
            for (var row = 0; row < batch; row++)
            {
                var grad = gradOutput[row * channels + c];
                gradTotal += grad;
                centeredTotal += grad * (x[row * channels + c] - mean[c]);
            }
            (sumGrad[c], sumGradCentered[c]) = (gradTotal, centeredTotal);
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

    /// <summary>Four floats from <paramref name="offset"/>, widened to double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Widen(ref float start, int offset) => Widen(Vector128.LoadUnsafe(ref start, (nuint)offset));

    // One instruction each with AVX; the portable forms elsewhere (ARM64), with the same rounding.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Widen(Vector128<float> values) => Avx.IsSupported
        ? Avx.ConvertToVector256Double(values)
        : Vector256.Create(Vector128.WidenLower(values), Vector128.WidenUpper(values));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Narrow(Vector256<double> values) => Avx.IsSupported
        ? Avx.ConvertToVector128Single(values)
        : Vector128.Narrow(values.GetLower(), values.GetUpper());

    private static Vector256<float> Load(ReadOnlySpan<float> values, int offset) =>
        Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(values), (nuint)offset);
}
