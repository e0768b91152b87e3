// 2×2 max pooling with stride 2 (floor mode) over contiguous planes [planes, H, W], optionally
// followed by ReLU, written out in C#: one pass reads each window once and records where its winner
// sits in the plane, so the backward pass is a single scatter. Ties go to the first value in scan
// order (top-left, top-right, bottom-left, bottom-right), as LibTorch's max_pool2d does; MNIST's zero
// background makes ties common, so this matters for bit-identical gradients.
// Branch-free throughout: on real feature maps the winner of a window is a coin toss, and a branch per
// comparison costs more in mispredictions than the arithmetic. With AVX2, eight windows at a time:
// the even and odd columns of a row pair are separated with two shuffles and a lane permute.
// ForwardScaled pools BatchNorm's output without materialising it (BatchNormPoolFunction).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MnistBn.Training.Model.Kernels;

internal static class MaxPoolKernel
{
    /// <summary>
    /// Pools the <paramref name="planes"/> planes of <paramref name="input"/> (H×W each) into <paramref name="output"/> (⌊H/2⌋×⌊W/2⌋ each); <paramref name="winners"/> gets each
    /// window's winner as an index into its input plane. With <paramref name="relu"/>, negative maxima become 0.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output, Span<int> winners,
        int height, int width, bool relu, int planes) =>
        Pool(input, output, winners, [], height, width, relu, planes, channels: 1, scale: [], shift: []);

    /// <summary>
    /// <see cref="Forward"/> of the per-channel affine map x·scale[c] + shift[c] (a fused multiply-add,
    /// as BatchNormKernel.ScaleShift computes it) of [N, C, H, W] planes, without storing the mapped values;
    /// <paramref name="winnerInputs"/> gets each window's winning input value x (before the map).
    /// </summary>
    public static void ForwardScaled(ReadOnlySpan<float> input, Span<float> output, Span<int> winners, Span<float> winnerInputs,
        int height, int width, bool relu, int planes, int channels, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift) =>
        Pool(input, output, winners, winnerInputs, height, width, relu, planes, channels, scale, shift);

    private static void Pool(ReadOnlySpan<float> input, Span<float> output, Span<int> winners, Span<float> winnerInputs,
        int height, int width, bool relu, int planes, int channels, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift)
    {
        var (outHeight, outWidth) = (height / 2, width / 2);
        for (var plane = 0; plane < planes; plane++)
        {
            var source = input.Slice(plane * height * width, height * width);
            var affine = scale.IsEmpty ? PlaneAffine.Identity : new PlaneAffine(scale[plane % channels], shift[plane % channels], true);
            for (var row = 0; row < outHeight; row++)
            {
                var offset = (plane * outHeight + row) * outWidth;
                PoolRow(source, 2 * row * width, width, output.Slice(offset, outWidth), winners.Slice(offset, outWidth),
                    winnerInputs.IsEmpty ? [] : winnerInputs.Slice(offset, outWidth), relu, affine);
            }
        }
    }

    /// <summary>One output row from input rows <c>top / width</c> and the next.</summary>
    private static void PoolRow(ReadOnlySpan<float> plane, int top, int width, Span<float> output, Span<int> winners, Span<float> winnerInputs,
        bool relu, PlaneAffine affine)
    {
        // Winning inputs are only asked for together with an affine map (ForwardScaled).
        var keepInputs = !winnerInputs.IsEmpty;
        var column = 0;
        if (Avx2.IsSupported)
        {
            ref var planeStart = ref MemoryMarshal.GetReference(plane);
            ref var outputStart = ref MemoryMarshal.GetReference(output);
            ref var winnerStart = ref MemoryMarshal.GetReference(winners);
            ref var winnerInputStart = ref MemoryMarshal.GetReference(winnerInputs);
            var widths = Vector256.Create(width);
            var ones = Vector256.Create(1);
            var (scale, shift) = (Vector256.Create(affine.Scale), Vector256.Create(affine.Shift));
            // Input index of each window's top-left value for the first eight windows of the row.
            var topLeftIndex = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14) + Vector256.Create(top);
            for (; 2 * column + 16 <= width; column += 8)
            {
                var (topLeft, topRight) = Deinterleave(ref planeStart, top + 2 * column);
                var (bottomLeft, bottomRight) = Deinterleave(ref planeStart, top + width + 2 * column);
                var (rawTopLeft, rawTopRight, rawBottomLeft, rawBottomRight) = (topLeft, topRight, bottomLeft, bottomRight);
                if (affine.On)
                {
                    (topLeft, topRight) = (Vector256.FusedMultiplyAdd(topLeft, scale, shift), Vector256.FusedMultiplyAdd(topRight, scale, shift));
                    (bottomLeft, bottomRight) = (Vector256.FusedMultiplyAdd(bottomLeft, scale, shift), Vector256.FusedMultiplyAdd(bottomRight, scale, shift));
                }
                var topRightWins = Avx.CompareGreaterThan(topRight, topLeft);
                var bottomRightWins = Avx.CompareGreaterThan(bottomRight, bottomLeft);
                var topMax = Avx.BlendVariable(topLeft, topRight, topRightWins);
                var bottomMax = Avx.BlendVariable(bottomLeft, bottomRight, bottomRightWins);
                var bottomWins = Avx.CompareGreaterThan(bottomMax, topMax);
                var max = Avx.BlendVariable(topMax, bottomMax, bottomWins);
                if (relu)
                    max = Avx.BlendVariable(Vector256<float>.Zero, max, Avx.CompareGreaterThan(max, Vector256<float>.Zero));
                var rightWins = Avx.BlendVariable(topRightWins, bottomRightWins, bottomWins).AsInt32();
                var index = topLeftIndex + (rightWins & ones) + (bottomWins.AsInt32() & widths);
                max.StoreUnsafe(ref outputStart, (nuint)column);
                index.StoreUnsafe(ref winnerStart, (nuint)column);
                if (keepInputs)
                {
                    var rawTop = Avx.BlendVariable(rawTopLeft, rawTopRight, topRightWins);
                    var rawBottom = Avx.BlendVariable(rawBottomLeft, rawBottomRight, bottomRightWins);
                    Avx.BlendVariable(rawTop, rawBottom, bottomWins).StoreUnsafe(ref winnerInputStart, (nuint)column);
                }
                topLeftIndex += Vector256.Create(16);
            }
            // The fewer than eight windows left, four at a time with 128-bit vectors (shufps alone
            // deinterleaves them). The second step is moved back to end at the row's last window and
            // recomputes a few windows, with the same result; so no row of four or more windows (LeNet's
            // 13 and 5) leaves one to the scalar loop, which costs more than the vector steps.
            for (var step = 0; step < 2 && column < output.Length && output.Length >= 4; step++)
            {
                column = Math.Min(column, output.Length - 4);
                var (topLeft, topRight) = Deinterleave128(ref planeStart, top + 2 * column);
                var (bottomLeft, bottomRight) = Deinterleave128(ref planeStart, top + width + 2 * column);
                var (rawTopLeft, rawTopRight, rawBottomLeft, rawBottomRight) = (topLeft, topRight, bottomLeft, bottomRight);
                if (affine.On)
                {
                    var (scale4, shift4) = (Vector128.Create(affine.Scale), Vector128.Create(affine.Shift));
                    (topLeft, topRight) = (Vector128.FusedMultiplyAdd(topLeft, scale4, shift4), Vector128.FusedMultiplyAdd(topRight, scale4, shift4));
                    (bottomLeft, bottomRight) = (Vector128.FusedMultiplyAdd(bottomLeft, scale4, shift4), Vector128.FusedMultiplyAdd(bottomRight, scale4, shift4));
                }
                var topRightWins = Vector128.GreaterThan(topRight, topLeft);
                var bottomRightWins = Vector128.GreaterThan(bottomRight, bottomLeft);
                var topMax = Vector128.ConditionalSelect(topRightWins, topRight, topLeft);
                var bottomMax = Vector128.ConditionalSelect(bottomRightWins, bottomRight, bottomLeft);
                var bottomWins = Vector128.GreaterThan(bottomMax, topMax);
                var max = Vector128.ConditionalSelect(bottomWins, bottomMax, topMax);
                if (relu)
                    max = Vector128.ConditionalSelect(Vector128.GreaterThan(max, Vector128<float>.Zero), max, Vector128<float>.Zero);
                var rightWins = Vector128.ConditionalSelect(bottomWins, bottomRightWins, topRightWins).AsInt32();
                var index = Vector128.Create(0, 2, 4, 6) + Vector128.Create(top + 2 * column)
                    + (rightWins & Vector128.Create(1)) + (bottomWins.AsInt32() & Vector128.Create(width));
                max.StoreUnsafe(ref outputStart, (nuint)column);
                index.StoreUnsafe(ref winnerStart, (nuint)column);
                if (keepInputs)
                {
                    var rawTop = Vector128.ConditionalSelect(topRightWins, rawTopRight, rawTopLeft);
                    var rawBottom = Vector128.ConditionalSelect(bottomRightWins, rawBottomRight, rawBottomLeft);
                    Vector128.ConditionalSelect(bottomWins, rawBottom, rawTop).StoreUnsafe(ref winnerInputStart, (nuint)column);
                }
                column += 4;
            }
        }
        for (; column < output.Length; column++)
        {
            var topLeft = top + 2 * column;
            var bottomLeft = topLeft + width;
            var (a, b) = (Mapped(plane[topLeft], affine), Mapped(plane[topLeft + 1], affine));
            var (c, d) = (Mapped(plane[bottomLeft], affine), Mapped(plane[bottomLeft + 1], affine));
            var topRightWins = Bit(b > a);
            var bottomRightWins = Bit(d > c);
            var topMax = Math.Max(a, b);
            var bottomMax = Math.Max(c, d);
            var bottomWins = Bit(bottomMax > topMax);
            // Arithmetic instead of branches; equal maxima may differ only in the sign of zero.
            var max = Math.Max(topMax, bottomMax);
            output[column] = relu ? Math.Max(max, 0f) : max;
            var index = topLeft + bottomWins * width + topRightWins + bottomWins * (bottomRightWins - topRightWins);
            winners[column] = index;
            if (keepInputs)
                winnerInputs[column] = plane[index];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Mapped(float value, PlaneAffine affine) =>
        affine.On ? MathF.FusedMultiplyAdd(value, affine.Scale, affine.Shift) : value;

    /// <summary>Sixteen values from <paramref name="offset"/> as their even (left) and odd (right) columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Even, Vector256<float> Odd) Deinterleave(ref float start, int offset)
    {
        var low = Vector256.LoadUnsafe(ref start, (nuint)offset);
        var high = Vector256.LoadUnsafe(ref start, (nuint)offset + 8);
        // shufps picks within 128-bit lanes: [l0 l2 h0 h2 | l4 l6 h4 h6]; the permute restores the order.
        var even = Avx.Shuffle(low, high, 0b10_00_10_00);
        var odd = Avx.Shuffle(low, high, 0b11_01_11_01);
        return (Avx2.Permute4x64(even.AsDouble(), 0b11_01_10_00).AsSingle(), Avx2.Permute4x64(odd.AsDouble(), 0b11_01_10_00).AsSingle());
    }

    /// <summary>Eight values from <paramref name="offset"/> as their even (left) and odd (right) columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float> Even, Vector128<float> Odd) Deinterleave128(ref float start, int offset)
    {
        var low = Vector128.LoadUnsafe(ref start, (nuint)offset);
        var high = Vector128.LoadUnsafe(ref start, (nuint)offset + 4);
        return (Sse.Shuffle(low, high, 0b10_00_10_00), Sse.Shuffle(low, high, 0b11_01_11_01));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Bit(bool value) => Unsafe.As<bool, byte>(ref value);

    /// <summary>
    /// Gradient of <see cref="Forward"/>: each window's output gradient goes to its winner (to nobody
    /// where ReLU cut the output to 0); every other input position gets 0.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> output, ReadOnlySpan<int> winners,
        Span<float> gradInput, int height, int width, bool relu, int planes)
    {
        var outSize = height / 2 * (width / 2);
        for (var plane = 0; plane < planes; plane++)
        {
            var target = gradInput.Slice(plane * height * width, height * width);
            target.Clear();
            var offset = plane * outSize;
            for (var i = offset; i < offset + outSize; i++)
                target[winners[i]] = PassedGradient(gradOutput[i], output[i], relu);
        }
    }

    /// <summary>
    /// A window's output gradient where ReLU let the window through (always without <paramref name="relu"/>),
    /// else 0 — a bit mask, not a branch, which would mispredict about half the time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float PassedGradient(float gradient, float pooled, bool relu)
    {
        var mask = relu ? -Bit(pooled > 0) : -1;
        return BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(gradient) & mask);
    }
}

/// <summary>The map x·Scale + Shift applied to a plane before pooling; <see cref="Identity"/> leaves it as is.</summary>
internal readonly record struct PlaneAffine(float Scale, float Shift, bool On)
{
    public static PlaneAffine Identity => new(1, 0, false);
}
