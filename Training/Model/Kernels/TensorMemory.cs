// The float32 storage of a contiguous CPU tensor as a span, for the hand-written kernels. Views with
// an offset are fine; strided views are made contiguous by the caller (TorchSharp throws otherwise).
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistBn.Training.Model.Kernels;

internal static class TensorMemory
{
    /// <summary>The elements of <paramref name="tensor"/>, which must be contiguous float32 on the CPU.</summary>
    public static Span<float> Floats(Tensor tensor) => Elements<float>(tensor, ScalarType.Float32);

    /// <summary>The elements of a contiguous int32 CPU tensor.</summary>
    public static Span<int> Ints(Tensor tensor) => Elements<int>(tensor, ScalarType.Int32);

    /// <summary>The elements of a contiguous int64 CPU tensor.</summary>
    public static Span<long> Longs(Tensor tensor) => Elements<long>(tensor, ScalarType.Int64);

    private static Span<T> Elements<T>(Tensor tensor, ScalarType type) where T : unmanaged
    {
        if (tensor.dtype != type || tensor.device_type != DeviceType.CPU)
            throw new ArgumentException($"expected a {type} CPU tensor, got {tensor.dtype} on {tensor.device}", nameof(tensor));
        return MemoryMarshal.Cast<byte, T>(tensor.bytes);
    }
}
