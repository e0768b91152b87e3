// The training side's one call before its first torch call: TorchSharp's natives made loadable
// (TorchSharpNatives, shipped in the exporter package so TorchSharp users get the same remedy), and
// the allocator tuned for a process that allocates the same large tensors batch after batch.
using MnistBn.OnnxExport.TorchSharp;

namespace MnistBn.Training.Runtime;

/// <summary>Entry points call <see cref="EnsureLoaded"/> before their first torch call.</summary>
public static class TorchSharpRuntime
{
    private static readonly Lock Gate = new();
    private static bool _loaded;

    /// <summary>
    /// Loads TorchSharp (<see cref="TorchSharpNatives.EnsureLoadable"/>), tunes the allocator and logs one
    /// line saying what was done. Safe to call many times; only the first call does anything.
    /// </summary>
    public static void EnsureLoaded(Action<string> log)
    {
        lock (Gate)
        {
            if (_loaded)
                return;
            var message = TorchSharpNatives.EnsureLoadable();
            // Every LibTorch user in the process (training, experiments, benchmarks) allocates the same
            // large tensors batch after batch; see NativeAllocatorTuning.
            NativeAllocatorTuning.Apply();
            _loaded = true;
            log(message);
        }
    }
}
