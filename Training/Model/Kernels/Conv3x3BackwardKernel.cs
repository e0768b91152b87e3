// The backward pass of a 3×3 valid convolution, stride 1, [N, Cin, H, W] → [N, Cout, H−2, W−2]:
// LeNet's conv2 (6 → 16 channels, 13×13 → 11×11), where LibTorch's own backward would cost more than
// the rest of the backward pass together.
//
// Flat planes: with the output gradient stored at the input's row width W (its last two columns and
// every position past the plane zero), output position q and input position q + ky·W + kx line up
// for the whole plane at once, so both gradients become long dot products and shifted vector
// multiply-adds over flat rows, with no per-row tails:
//   dW[o, i, ky, kx] = Σ_n Σ_q dy[n, o, q] · x[n, i, q + ky·W + kx]
//   dx[n, i, p]      = Σ_o Σ_{ky,kx} w[o, i, ky, kx] · dy[n, o, p − ky·W − kx]
// The zero columns make the wrapped positions contribute nothing; the zero prefix of GradientRows
// covers p − ky·W − kx < 0. Sums run in float vectors over the batch, as LibTorch's do.
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MnistBn.Training.Model.Kernels;

internal static class Conv3x3BackwardKernel
{
    private const int Lanes = 8;

    /// <summary>
    /// Fills <paramref name="gradWeight"/> [Cout, Cin, 3, 3], <paramref name="gradInput"/> [N, Cin, H, W] and, unless
    /// empty, <paramref name="gradBias"/> [Cout] from the output gradient [N, Cout, H−2, W−2], the input and the weight.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> gradOutput,
        Span<float> gradInput, Span<float> gradWeight, Span<float> gradBias, int batch, int inChannels, int outChannels, int height, int width)
    {
        var shape = new Shape(batch, inChannels, outChannels, height, width);
        if (input.Length < shape.InputSize || gradInput.Length < shape.InputSize || gradOutput.Length < shape.OutputSize
            || weight.Length < outChannels * inChannels * 9 || gradWeight.Length < outChannels * inChannels * 9)
            throw new ArgumentException("spans are shorter than the shapes say");
        var rows = ArrayPool<float>.Shared.Rent(batch * outChannels * shape.GradientRowLength);
        var planes = ArrayPool<float>.Shared.Rent(batch * inChannels * shape.InputRowLength);
        try
        {
            var gradientRows = rows.AsSpan(0, batch * outChannels * shape.GradientRowLength);
            var inputRows = planes.AsSpan(0, batch * inChannels * shape.InputRowLength);
            LayOutGradient(gradOutput, gradientRows, shape, gradBias);
            LayOutInput(input, inputRows, shape);
            WeightGradient(gradientRows, inputRows, gradWeight, shape);
            InputGradient(gradientRows, weight, gradInput, inputRows, shape);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rows);
            ArrayPool<float>.Shared.Return(planes);
        }
    }

    /// <summary>Sizes of the flat layouts.</summary>
    private readonly record struct Shape(int Batch, int InChannels, int OutChannels, int Height, int Width)
    {
        public int OutHeight => Height - 2;

        public int OutWidth => Width - 2;

        public int InputSize => Batch * InChannels * Height * Width;

        public int OutputSize => Batch * OutChannels * OutHeight * OutWidth;

        /// <summary>Zeros before the gradient, so that p − ky·W − kx is never negative: the largest shift.</summary>
        public int Prefix => 2 * Width + 2;

        /// <summary>Output positions at row width W, rounded up to whole vectors (q in the formulas).</summary>
        public int OutputSpan => RoundUp(OutHeight * Width, Lanes);

        /// <summary>Input positions rounded up to whole blocks of four vectors (p in the formulas).</summary>
        public int InputSpan => RoundUp(Height * Width, 4 * Lanes);

        /// <summary>One output gradient plane: prefix, then room for every read p − shift with p &lt; InputSpan.</summary>
        public int GradientRowLength => RoundUp(Prefix + InputSpan, Lanes);

        /// <summary>One input plane, zero-padded for the reads q + shift with q &lt; OutputSpan.</summary>
        public int InputRowLength => RoundUp(Math.Max(OutputSpan + Prefix, InputSpan), Lanes);
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>dy at row width W after the zero prefix; also Σ dy per output channel into <paramref name="gradBias"/>.</summary>
    private static void LayOutGradient(ReadOnlySpan<float> gradOutput, Span<float> rows, Shape s, Span<float> gradBias)
    {
        rows.Clear();
        if (!gradBias.IsEmpty)
            gradBias[..s.OutChannels].Clear();
        var planeSize = s.OutHeight * s.OutWidth;
        for (var plane = 0; plane < s.Batch * s.OutChannels; plane++)
        {
            var source = gradOutput.Slice(plane * planeSize, planeSize);
            var target = rows.Slice(plane * s.GradientRowLength + s.Prefix);
            for (var row = 0; row < s.OutHeight; row++)
                CopyRow(source.Slice(row * s.OutWidth, s.OutWidth), target.Slice(row * s.Width));
            if (!gradBias.IsEmpty)
                gradBias[plane % s.OutChannels] += System.Numerics.Tensors.TensorPrimitives.Sum(source);
        }
    }

    /// <summary>
    /// Copies a short row: rows of 8 to 16 values as two overlapping vectors (LeNet's rows of 11), cheaper
    /// than a Span copy's call on rows this short.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow(ReadOnlySpan<float> source, Span<float> target)
    {
        if (source.Length is < Lanes or > 2 * Lanes || target.Length < source.Length)
        {
            source.CopyTo(target);
            return;
        }
        ref var from = ref MemoryMarshal.GetReference(source);
        ref var to = ref MemoryMarshal.GetReference(target);
        var last = source.Length - Lanes;
        var (head, tail) = (Load(ref from, 0), Load(ref from, last));
        head.StoreUnsafe(ref to);
        tail.StoreUnsafe(ref to, (nuint)last);
    }

    private static void LayOutInput(ReadOnlySpan<float> input, Span<float> rows, Shape s)
    {
        var planeSize = s.Height * s.Width;
        for (var plane = 0; plane < s.Batch * s.InChannels; plane++)
        {
            var target = rows.Slice(plane * s.InputRowLength, s.InputRowLength);
            input.Slice(plane * planeSize, planeSize).CopyTo(target);
            target[planeSize..].Clear();
        }
    }

    /// <summary>dW[o, i, ky, kx] = Σ_n Σ_q dy[n, o, q] · x[n, i, q + ky·W + kx]; four output channels × three kx per pass.</summary>
    private static void WeightGradient(ReadOnlySpan<float> gradientRows, ReadOnlySpan<float> inputRows, Span<float> gradWeight, Shape s)
    {
        ref var dy = ref MemoryMarshal.GetReference(gradientRows);
        ref var x = ref MemoryMarshal.GetReference(inputRows);
        var vectors = s.OutputSpan / Lanes;
        for (var i = 0; i < s.InChannels; i++)
        {
            for (var ky = 0; ky < 3; ky++)
            {
                var o = 0;
                for (; o + 4 <= s.OutChannels; o += 4)
                {
                    var (s00, s01, s02, s10, s11, s12) = (Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero);
                    var (s20, s21, s22, s30, s31, s32) = (Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero);
                    for (var n = 0; n < s.Batch; n++)
                    {
                        var xRow = (n * s.InChannels + i) * s.InputRowLength + ky * s.Width;
                        var dyRow = (n * s.OutChannels + o) * s.GradientRowLength + s.Prefix;
                        for (var v = 0; v < vectors; v++)
                        {
                            var q = v * Lanes;
                            var x0 = Load(ref x, xRow + q);
                            var x1 = Load(ref x, xRow + q + 1);
                            var x2 = Load(ref x, xRow + q + 2);
                            var d = Load(ref dy, dyRow + q);
                            (s00, s01, s02) = (Fma(d, x0, s00), Fma(d, x1, s01), Fma(d, x2, s02));
                            d = Load(ref dy, dyRow + s.GradientRowLength + q);
                            (s10, s11, s12) = (Fma(d, x0, s10), Fma(d, x1, s11), Fma(d, x2, s12));
                            d = Load(ref dy, dyRow + 2 * s.GradientRowLength + q);
                            (s20, s21, s22) = (Fma(d, x0, s20), Fma(d, x1, s21), Fma(d, x2, s22));
                            d = Load(ref dy, dyRow + 3 * s.GradientRowLength + q);
                            (s30, s31, s32) = (Fma(d, x0, s30), Fma(d, x1, s31), Fma(d, x2, s32));
                        }
                    }
                    Store(gradWeight, o, i, ky, s.InChannels, s00, s01, s02);
                    Store(gradWeight, o + 1, i, ky, s.InChannels, s10, s11, s12);
                    Store(gradWeight, o + 2, i, ky, s.InChannels, s20, s21, s22);
                    Store(gradWeight, o + 3, i, ky, s.InChannels, s30, s31, s32);
                }
                for (; o < s.OutChannels; o++)
                {
                    var (s0, s1, s2) = (Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero);
                    for (var n = 0; n < s.Batch; n++)
                    {
                        var xRow = (n * s.InChannels + i) * s.InputRowLength + ky * s.Width;
                        var dyRow = (n * s.OutChannels + o) * s.GradientRowLength + s.Prefix;
                        for (var v = 0; v < vectors; v++)
                        {
                            var d = Load(ref dy, dyRow + v * Lanes);
                            (s0, s1, s2) = (Fma(d, Load(ref x, xRow + v * Lanes), s0), Fma(d, Load(ref x, xRow + v * Lanes + 1), s1),
                                Fma(d, Load(ref x, xRow + v * Lanes + 2), s2));
                        }
                    }
                    Store(gradWeight, o, i, ky, s.InChannels, s0, s1, s2);
                }
            }
        }
    }

    /// <summary>
    /// dx[n, i, p] = Σ_o Σ_{ky,kx} w[o, i, ky, kx] · dy[n, o, p − ky·W − kx], for three input channels × four
    /// vectors of p per pass (twelve independent sums keep both FMA units busy); the result goes through
    /// <paramref name="scratch"/> (padded input planes, no longer needed) into the unpadded gradient.
    /// </summary>
    private static void InputGradient(ReadOnlySpan<float> gradientRows, ReadOnlySpan<float> weight, Span<float> gradInput, Span<float> scratch, Shape s)
    {
        ref var dy = ref MemoryMarshal.GetReference(gradientRows);
        ref var w = ref MemoryMarshal.GetReference(weight);
        ref var result = ref MemoryMarshal.GetReference(scratch);
        Span<int> shifts = stackalloc int[9];
        for (var tap = 0; tap < 9; tap++)
            shifts[tap] = s.Prefix - (tap / 3 * s.Width + tap % 3);
        var channelStride = s.InChannels * 9; // from w[o, i, …] to w[o + 1, i, …]
        for (var n = 0; n < s.Batch; n++)
        {
            var i = 0;
            for (; i < s.InChannels; i += 3)
            {
                var block = Math.Min(3, s.InChannels - i);
                for (var p = 0; p < s.InputSpan; p += 4 * Lanes)
                {
                    var (a0, a1, a2, a3) = (Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero);
                    var (b0, b1, b2, b3) = (Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero);
                    var (c0, c1, c2, c3) = (Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero);
                    for (var o = 0; o < s.OutChannels; o++)
                    {
                        var dyRow = (n * s.OutChannels + o) * s.GradientRowLength + p;
                        var taps = o * channelStride + i * 9;
                        for (var tap = 0; tap < 9; tap++)
                        {
                            var at = dyRow + shifts[tap];
                            var (d0, d1, d2, d3) = (Load(ref dy, at), Load(ref dy, at + Lanes), Load(ref dy, at + 2 * Lanes), Load(ref dy, at + 3 * Lanes));
                            var wa = Vector256.Create(Unsafe.Add(ref w, taps + tap));
                            (a0, a1, a2, a3) = (Fma(wa, d0, a0), Fma(wa, d1, a1), Fma(wa, d2, a2), Fma(wa, d3, a3));
                            if (block < 2)
                                continue;
                            var wb = Vector256.Create(Unsafe.Add(ref w, taps + 9 + tap));
                            (b0, b1, b2, b3) = (Fma(wb, d0, b0), Fma(wb, d1, b1), Fma(wb, d2, b2), Fma(wb, d3, b3));
                            if (block < 3)
                                continue;
                            var wc = Vector256.Create(Unsafe.Add(ref w, taps + 18 + tap));
                            (c0, c1, c2, c3) = (Fma(wc, d0, c0), Fma(wc, d1, c1), Fma(wc, d2, c2), Fma(wc, d3, c3));
                        }
                    }
                    StoreFour(ref result, ScratchOffset(n, i, s) + p, a0, a1, a2, a3);
                    if (block > 1)
                        StoreFour(ref result, ScratchOffset(n, i + 1, s) + p, b0, b1, b2, b3);
                    if (block > 2)
                        StoreFour(ref result, ScratchOffset(n, i + 2, s) + p, c0, c1, c2, c3);
                }
            }
        }
        var planeSize = s.Height * s.Width;
        for (var plane = 0; plane < s.Batch * s.InChannels; plane++)
            scratch.Slice(plane * s.InputRowLength, planeSize).CopyTo(gradInput.Slice(plane * planeSize, planeSize));
    }

    private static int ScratchOffset(int n, int i, Shape s) => (n * s.InChannels + i) * s.InputRowLength;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreFour(ref float start, int offset, Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, Vector256<float> v3)
    {
        v0.StoreUnsafe(ref start, (nuint)offset);
        v1.StoreUnsafe(ref start, (nuint)(offset + Lanes));
        v2.StoreUnsafe(ref start, (nuint)(offset + 2 * Lanes));
        v3.StoreUnsafe(ref start, (nuint)(offset + 3 * Lanes));
    }

    /// <summary>dW[o, i, ky, 0..2] from the three kx sums.</summary>
    private static void Store(Span<float> gradWeight, int o, int i, int ky, int inChannels, Vector256<float> kx0, Vector256<float> kx1, Vector256<float> kx2)
    {
        var at = ((o * inChannels + i) * 3 + ky) * 3;
        (gradWeight[at], gradWeight[at + 1], gradWeight[at + 2]) = (Vector256.Sum(kx0), Vector256.Sum(kx1), Vector256.Sum(kx2));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load(ref float start, int offset) => Vector256.LoadUnsafe(ref start, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);
}
