// The fast kernels' fusions: runs of layers that one op computes without materialising what lies
// between them. BatchNorm(conv maps) → ReLU → 2×2 max-pool becomes BatchNorm2d.NormalizePoolRelu (one
// autograd node), ReLU → 2×2 max-pool becomes MaxPool2x2Function.PoolRelu; both pool before the ReLU,
// which gives the same values (ReLU and max commute, both monotone) with a quarter of the ReLU work.
// Every other layer keeps its own op. The ONNX export writes the layers as described (ReLU → pool).
using MnistBn.Training.Model.Autograd;
using MnistBn.Network.Description;

namespace MnistBn.Training.Model;

internal static class FusedLayerOps
{
    /// <summary>The ops forward runs for <paramref name="description"/>, given each layer's own op and module.</summary>
    public static LayerOp[] Plan(NetworkDescription description, LayerOp[] layers, IReadOnlyList<object?> modules)
    {
        var plan = new List<LayerOp>();
        var ops = description.Layers;
        for (var i = 0; i < ops.Count; i++)
        {
            if (IsReluPool(ops, i + 1) && modules[i] is BatchNorm2d norm)
            {
                plan.Add(new LayerOp($"{ops[i].Name}+{ops[i + 1].Name}+{ops[i + 2].Name}", norm.NormalizePoolRelu));
                i += 2;
            }
            else if (IsReluPool(ops, i))
            {
                plan.Add(new LayerOp($"{ops[i].Name}+{ops[i + 1].Name}", (x, _) => MaxPool2x2Function.PoolRelu(x)));
                i += 1;
            }
            else
            {
                plan.Add(layers[i]);
            }
        }
        return [.. plan];
    }

    private static bool IsReluPool(IReadOnlyList<Layer> layers, int i) =>
        i + 1 < layers.Count
        && layers[i] is ActivationLayer { Function: ActivationFunction.Relu }
        && layers[i + 1] is MaxPoolLayer pool && LayerOps.IsPool2x2(pool);
}
