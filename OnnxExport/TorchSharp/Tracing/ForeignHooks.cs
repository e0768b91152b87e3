// Forward hooks that other code registered run beside the exporter's, in registration order, and may
// replace a module's input or output: the trace would then record a module computing something it
// does not. A module that carries such hooks is refused until they are removed. TorchSharp keeps the
// hooks in protected dictionaries of HookableModule<,>, with no public way to list them.
using System.Collections;
using System.Reflection;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.TorchSharp;

internal static class ForeignHooks
{
    private static readonly string[] Fields = ["pre_hooks", "post_hooks"];

    /// <exception cref="InvalidOperationException"><paramref name="module"/> has forward hooks of its own.</exception>
    public static void Refuse(nn.Module module, string path)
    {
        if (Count(module) > 0)
            throw new InvalidOperationException(
                $"{path}: the module has forward hooks of its own, which may change what it computes; remove them (HookRemover.remove()) before exporting");
    }

    /// <summary>The pre- and post-hooks that take tensors (TorchSharp's only hooks that can change them).</summary>
    public static int Count(nn.Module module)
    {
        var count = 0;
        for (var type = module.GetType(); type is not null; type = type.BaseType)
        {
            foreach (var name in Fields)
            {
                if (type.GetField(name, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)?.GetValue(module) is ICollection hooks)
                    count += hooks.Count;
            }
        }
        return count;
    }
}
