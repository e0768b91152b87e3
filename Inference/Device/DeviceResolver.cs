// Decides, before ML.NET builds anything, which device a model runs on. ML.NET's own fallbackToCpu
// is not used: it catches only OnnxRuntimeException and falls back silently. Here the decision is
// made once, up front, with a warning through the caller's log — the same way with the CPU package
// (no CUDA provider compiled in) and with the GPU package on a machine without CUDA.
using Microsoft.ML.OnnxRuntime;
using MnistBn.Inference.Pipeline;
using MnistBn.Shared;

namespace MnistBn.Inference;

/// <summary>Turns <c>cpu</c> / <c>cuda[:id]</c> plus the fallback flag into a concrete device.</summary>
internal static class DeviceResolver
{
    /// <summary>ONNX Runtime's name of the CUDA execution provider.</summary>
    public const string CudaProvider = "CUDAExecutionProvider";

    /// <summary>
    /// The CUDA device id to pass to ApplyOnnxModel, or null for the CPU.
    /// </summary>
    /// <param name="device"><c>cpu</c>, <c>cuda</c> or <c>cuda:&lt;id&gt;</c>.</param>
    /// <param name="allowCpuFallback">When CUDA is unusable: true → warn and use the CPU; false → throw.</param>
    /// <param name="modelPath">The (validated) model, used to probe a CUDA session.</param>
    /// <param name="log">Receives the fallback warning; may be null.</param>
    /// <exception cref="ArgumentException">The device name is not <c>cpu</c> or <c>cuda[:id]</c>.</exception>
    /// <exception cref="DeviceUnavailableException">CUDA was asked for, is unusable, and fallback is disallowed.</exception>
    public static int? Resolve(string device, bool allowCpuFallback, string modelPath, Action<string>? log)
    {
        if (device == "cpu")
            return null;
        if (!DeviceName.TryParseCuda(device, out var id))
            throw new ArgumentException($"device '{device}' is not one of cpu, cuda, cuda:<id>", nameof(device));

        var problem = CudaProblem(id, modelPath);
        if (problem is null)
            return id;
        if (!allowCpuFallback)
            throw new DeviceUnavailableException(
                $"device '{device}' is not usable: {problem}. Use Device = \"cpu\", or set AllowCpuFallback = true (pipeline.yaml: evaluation.allow_cpu_fallback) to fall back with a warning.");
        log?.Invoke($"warning: device '{device}' is not usable ({problem}); falling back to the CPU");
        return null;
    }

    /// <summary>Why CUDA device <paramref name="id"/> cannot run the model, or null when it can.</summary>
    private static string? CudaProblem(int id, string modelPath)
    {
        if (!OrtEnv.Instance().GetAvailableProviders().Contains(CudaProvider))
            return "the app runs the CPU-only ONNX Runtime (no CUDA execution provider): reference Microsoft.ML.OnnxRuntime.Gpu 1.32.0 instead of Microsoft.ML.OnnxRuntime (see the MnistBn.Inference README; in this repository: build with -p:OnnxRuntimeFlavor=gpu)";
        try
        {
            // The GPU package lists the provider even where CUDA is missing; only a real session tells.
            using var options = SessionOptions.MakeSessionOptionWithCudaProvider(id);
            using var session = OnnxModelCheck.OpenSession(modelPath, options);
            return null;
        }
        catch (Exception error) when (error is OnnxRuntimeException or InvalidDataException or DllNotFoundException or EntryPointNotFoundException)
        {
            return $"ONNX Runtime could not create a CUDA session on device {id}: {error.Message}";
        }
    }
}
