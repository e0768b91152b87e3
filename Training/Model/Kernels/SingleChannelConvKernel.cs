// 3×3 valid convolution, stride 1, of single-channel planes [N, 1, H, W] into [N, C, H−2, W−2], and its
// weight and bias gradients — LeNet's first layer. LibTorch routes this shape through oneDNN, which
// reorders the 1-channel input and the 6-channel output into blocked layouts and back on every call,
// a large overhead for maps this small. Here each output row is 9 fused multiply-adds of shifted input
// rows, eight columns at a time, with the weights (forward) and the per-tap sums (backward) held in
// registers. Rows narrower than 8 outputs take a scalar path. No input gradient: the images need none.
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MnistBn.Training.Model.Kernels;

internal static class SingleChannelConvKernel
{
    private const int Taps = 9;

    /// <summary>output[n, c] = bias[c] + Σ weight[c, i, j] · input[n, i.., j..]; bias may be empty (zero).</summary>
    public static void Forward(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output,
        int batch, int channels, int height, int width)
    {
        var (outHeight, outWidth) = (height - 2, width - 2);
        ref var x = ref MemoryMarshal.GetReference(input);
        ref var y = ref MemoryMarshal.GetReference(output);
        var lastColumn = outWidth - Vector256<float>.Count;
        for (var channel = 0; channel < channels; channel++)
        {
            var taps = weight.Slice(channel * Taps, Taps);
            var channelBias = bias.IsEmpty ? 0f : bias[channel];
            var (w0, w1, w2) = (Vector256.Create(taps[0]), Vector256.Create(taps[1]), Vector256.Create(taps[2]));
            var (w3, w4, w5) = (Vector256.Create(taps[3]), Vector256.Create(taps[4]), Vector256.Create(taps[5]));
            var (w6, w7, w8) = (Vector256.Create(taps[6]), Vector256.Create(taps[7]), Vector256.Create(taps[8]));
            var b = Vector256.Create(channelBias);
            for (var sample = 0; sample < batch; sample++)
            {
                var plane = sample * height * width;
                var outPlane = (sample * channels + channel) * outHeight * outWidth;
                for (var row = 0; row < outHeight; row++)
                {
                    var outRow = outPlane + row * outWidth;
                    var inRow = plane + row * width;
                    if (lastColumn < 0)
                    {
                        for (var column = 0; column < outWidth; column++)
                            output[outRow + column] = channelBias + ScalarTaps(input, inRow + column, width, taps);
                        continue;
                    }
                    // The last vector may overlap the one before; it writes the same values again.
                    for (var column = 0; ; column += Vector256<float>.Count)
                    {
                        column = Math.Min(column, lastColumn);
                        var top = (nuint)(inRow + column);
                        var middle = top + (nuint)width;
                        var bottom = middle + (nuint)width;
                        var sum = Vector256.FusedMultiplyAdd(w0, Vector256.LoadUnsafe(ref x, top), b);
                        sum = Vector256.FusedMultiplyAdd(w1, Vector256.LoadUnsafe(ref x, top + 1), sum);
                        sum = Vector256.FusedMultiplyAdd(w2, Vector256.LoadUnsafe(ref x, top + 2), sum);
                        sum = Vector256.FusedMultiplyAdd(w3, Vector256.LoadUnsafe(ref x, middle), sum);
                        sum = Vector256.FusedMultiplyAdd(w4, Vector256.LoadUnsafe(ref x, middle + 1), sum);
                        sum = Vector256.FusedMultiplyAdd(w5, Vector256.LoadUnsafe(ref x, middle + 2), sum);
                        sum = Vector256.FusedMultiplyAdd(w6, Vector256.LoadUnsafe(ref x, bottom), sum);
                        sum = Vector256.FusedMultiplyAdd(w7, Vector256.LoadUnsafe(ref x, bottom + 1), sum);
                        sum = Vector256.FusedMultiplyAdd(w8, Vector256.LoadUnsafe(ref x, bottom + 2), sum);
                        sum.StoreUnsafe(ref y, (nuint)(outRow + column));
                        if (column == lastColumn)
                            break;
                    }
                }
            }
        }
    }

    /// <summary>
    /// gradWeight[c, i, j] = Σ gradOutput[n, c] · input[n, i.., j..] and gradBias[c] = Σ gradOutput[n, c]
    /// (gradBias may be empty). Sums run over samples, rows and columns in a fixed order.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput, Span<float> gradWeight, Span<float> gradBias,
        int batch, int channels, int height, int width)
    {
        var (outHeight, outWidth) = (height - 2, width - 2);
        if (outWidth < Vector256<float>.Count)
        {
            ScalarBackward(input, gradOutput, gradWeight, gradBias, batch, channels, height, width);
            return;
        }
        ref var x = ref MemoryMarshal.GetReference(input);
        ref var dy = ref MemoryMarshal.GetReference(gradOutput);
        // Columns [0, vectorEnd) go in whole vectors; a last, overlapping vector covers the rest with
        // its already-counted lanes masked off.
        var vectorEnd = outWidth / Vector256<float>.Count * Vector256<float>.Count;
        var lastColumn = outWidth - Vector256<float>.Count;
        var tailMask = TailMask(vectorEnd - lastColumn);
        for (var channel = 0; channel < channels; channel++)
        {
            var (s0, s1, s2, s3, s4) = (Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero);
            var (s5, s6, s7, s8, sb) = (Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero);
            for (var sample = 0; sample < batch; sample++)
            {
                var plane = sample * height * width;
                var outPlane = (sample * channels + channel) * outHeight * outWidth;
                for (var row = 0; row < outHeight; row++)
                {
                    var outRow = outPlane + row * outWidth;
                    var inRow = plane + row * width;
                    for (var column = 0; column < outWidth; column += Vector256<float>.Count)
                    {
                        var mask = Vector256<float>.AllBitsSet;
                        if (column >= vectorEnd)
                            (column, mask) = (lastColumn, tailMask);
                        var g = Vector256.LoadUnsafe(ref dy, (nuint)(outRow + column)) & mask;
                        var top = (nuint)(inRow + column);
                        var middle = top + (nuint)width;
                        var bottom = middle + (nuint)width;
                        s0 = Vector256.FusedMultiplyAdd(g, Vector256.LoadUnsafe(ref x, top), s0);
                        s1 = Vector256.FusedMultiplyAdd(g, Vector256.LoadUnsafe(ref x, top + 1), s1);
                        s2 = Vector256.FusedMultiplyAdd(g, Vector256.LoadUnsafe(ref x, top + 2), s2);
                        s3 = Vector256.FusedMultiplyAdd(g, Vector256.LoadUnsafe(ref x, middle), s3);
                        s4 = Vector256.FusedMultiplyAdd(g, Vector256.LoadUnsafe(ref x, middle + 1), s4);
                        s5 = Vector256.FusedMultiplyAdd(g, Vector256.LoadUnsafe(ref x, middle + 2), s5);
                        s6 = Vector256.FusedMultiplyAdd(g, Vector256.LoadUnsafe(ref x, bottom), s6);
                        s7 = Vector256.FusedMultiplyAdd(g, Vector256.LoadUnsafe(ref x, bottom + 1), s7);
                        s8 = Vector256.FusedMultiplyAdd(g, Vector256.LoadUnsafe(ref x, bottom + 2), s8);
                        sb += g;
                        if (column == lastColumn)
                            break;
                    }
                }
            }
            var target = gradWeight.Slice(channel * Taps, Taps);
            (target[0], target[1], target[2]) = (Vector256.Sum(s0), Vector256.Sum(s1), Vector256.Sum(s2));
            (target[3], target[4], target[5]) = (Vector256.Sum(s3), Vector256.Sum(s4), Vector256.Sum(s5));
            (target[6], target[7], target[8]) = (Vector256.Sum(s6), Vector256.Sum(s7), Vector256.Sum(s8));
            if (!gradBias.IsEmpty)
                gradBias[channel] = Vector256.Sum(sb);
        }
    }

    /// <summary>All bits set in lanes ≥ <paramref name="firstLane"/>.</summary>
    private static Vector256<float> TailMask(int firstLane)
    {
        Span<int> lanes = stackalloc int[Vector256<int>.Count];
        for (var lane = 0; lane < lanes.Length; lane++)
            lanes[lane] = lane >= firstLane ? -1 : 0;
        return Vector256.Create<int>(lanes).AsSingle();
    }

    private static float ScalarTaps(ReadOnlySpan<float> input, int offset, int width, ReadOnlySpan<float> taps)
    {
        var sum = 0f;
        for (var tap = 0; tap < Taps; tap++)
            sum += taps[tap] * input[offset + tap / 3 * width + tap % 3];
        return sum;
    }

    private static void ScalarBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput, Span<float> gradWeight, Span<float> gradBias,
        int batch, int channels, int height, int width)
    {
        var (outHeight, outWidth) = (height - 2, width - 2);
        Span<double> sums = stackalloc double[Taps + 1]; // nine taps, then the bias
        for (var channel = 0; channel < channels; channel++)
        {
            sums.Clear();
            for (var sample = 0; sample < batch; sample++)
            {
                for (var row = 0; row < outHeight; row++)
                {
                    for (var column = 0; column < outWidth; column++)
                    {
                        var gradient = gradOutput[((sample * channels + channel) * outHeight + row) * outWidth + column];
                        var offset = (sample * height + row) * width + column;
                        for (var tap = 0; tap < Taps; tap++)
                            sums[tap] += gradient * input[offset + tap / 3 * width + tap % 3];
                        sums[Taps] += gradient;
                    }
                }
            }
            for (var tap = 0; tap < Taps; tap++)
                gradWeight[channel * Taps + tap] = (float)sums[tap];
            if (!gradBias.IsEmpty)
                gradBias[channel] = (float)sums[Taps];
        }
    }
}
