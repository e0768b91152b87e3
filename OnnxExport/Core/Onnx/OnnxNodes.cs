// Writes each GraphNode as ONNX operators. Most layers are one operator (Conv, Gemm,
// BatchNormalization, Relu, MaxPool, …); activations that some supported opsets lack are composed of
// operators every opset from 13 has: ReLU6 = Clip, SiLU = x·Sigmoid(x), Hardswish = x·HardSigmoid(x),
// GELU = 0.5·x·(1 + erf(x/√2)) (or its tanh form). Initializers are named <node>.weight, <node>.bias,
// <node>.running_mean, … as in a state_dict; helper values of composed operators are <node>/<part>.
using MnistBn.OnnxExport.Graph;
using MnistBn.OnnxExport.Weights;
using Onnx;
using static MnistBn.OnnxExport.Onnx.OnnxProtoBuilder;

namespace MnistBn.OnnxExport.Onnx;

internal static class OnnxNodes
{
    /// <summary>Adds the operators of <paramref name="node"/>, whose result must be named <paramref name="output"/>.</summary>
    public static void Add(GraphProto graph, GraphNode node, string output)
    {
        switch (node)
        {
            case ConvNode c:
                Op(graph, "Conv", c.Name, Parameters(graph, c.Name, c.Weights, c.Input), output,
                    Ints("kernel_shape", c.KernelShape), Ints("strides", c.Strides), Ints("pads", c.Pads),
                    Ints("dilations", c.Dilations), Int("group", c.Groups));
                break;
            case LinearNode l:
                Op(graph, "Gemm", l.Name, Parameters(graph, l.Name, l.Weights, l.Input), output, Int("transB", 1));
                break;
            case BatchNormNode b:
                BatchNormalization(graph, b, output);
                break;
            case ActivationNode a:
                Activation(graph, a, output);
                break;
            case PoolNode { Max: true } p:
                Op(graph, "MaxPool", p.Name, [p.Input], output, Ints("kernel_shape", p.KernelShape), Ints("strides", p.Strides),
                    Ints("pads", p.Pads), Ints("dilations", p.Dilations), Int("ceil_mode", p.CeilMode ? 1 : 0));
                break;
            case PoolNode p:
                Op(graph, "AveragePool", p.Name, [p.Input], output, Ints("kernel_shape", p.KernelShape), Ints("strides", p.Strides),
                    Ints("pads", p.Pads), Int("ceil_mode", p.CeilMode ? 1 : 0), Int("count_include_pad", p.CountIncludePad ? 1 : 0));
                break;
            case GlobalAveragePoolNode g:
                Op(graph, "GlobalAveragePool", g.Name, [g.Input], output);
                break;
            case FlattenNode f:
                Op(graph, "Flatten", f.Name, [f.Input], output, Int("axis", 1));
                break;
            case SoftmaxNode s:
                Op(graph, s.Log ? "LogSoftmax" : "Softmax", s.Name, [s.Input], output, Int("axis", s.Axis));
                break;
            case AddNode add:
                Op(graph, "Add", add.Name, [add.Left, add.Right], output);
                break;
            case ConcatNode concat:
                Op(graph, "Concat", concat.Name, [.. concat.Parts], output, Int("axis", concat.Axis));
                break;
            default:
                throw new NotSupportedException($"ONNX export: node '{node.Name}' is a {node.GetType().Name}, which has no ONNX form");
        }
    }

    private static void Activation(GraphProto graph, ActivationNode a, string output)
    {
        var (x, name) = (a.Input, a.Name);
        switch (a.Function)
        {
            case Graph.Activation.Relu:
                Op(graph, "Relu", name, [x], output);
                break;
            case Graph.Activation.Relu6:
                Op(graph, "Clip", name, [x, Scalar(graph, $"{name}/min", 0f), Scalar(graph, $"{name}/max", 6f)], output);
                break;
            case Graph.Activation.LeakyRelu:
                Op(graph, "LeakyRelu", name, [x], output, Float("alpha", a.Alpha));
                break;
            case Graph.Activation.Elu:
                Op(graph, "Elu", name, [x], output, Float("alpha", a.Alpha));
                break;
            case Graph.Activation.Sigmoid:
                Op(graph, "Sigmoid", name, [x], output);
                break;
            case Graph.Activation.Tanh:
                Op(graph, "Tanh", name, [x], output);
                break;
            case Graph.Activation.Silu:
                Op(graph, "Sigmoid", $"{name}/sigmoid", [x], $"{name}/sigmoid");
                Op(graph, "Mul", name, [x, $"{name}/sigmoid"], output);
                break;
            case Graph.Activation.Hardswish:
                // HardSigmoid(x) = max(0, min(1, x/6 + 1/2)) = relu6(x + 3)/6.
                Op(graph, "HardSigmoid", $"{name}/gate", [x], $"{name}/gate", Float("alpha", 1f / 6f), Float("beta", 0.5f));
                Op(graph, "Mul", name, [x, $"{name}/gate"], output);
                break;
            case Graph.Activation.Gelu:
                // 0.5·x·(1 + erf(x/√2))
                Op(graph, "Div", $"{name}/scaled", [x, Scalar(graph, $"{name}/sqrt2", MathF.Sqrt(2f))], $"{name}/scaled");
                Op(graph, "Erf", $"{name}/erf", [$"{name}/scaled"], $"{name}/erf");
                HalfXTimesOnePlus(graph, name, x, $"{name}/erf", output);
                break;
            case Graph.Activation.GeluTanh:
                // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
                Op(graph, "Mul", $"{name}/x2", [x, x], $"{name}/x2");
                Op(graph, "Mul", $"{name}/x3", [$"{name}/x2", x], $"{name}/x3");
                Op(graph, "Mul", $"{name}/cubic", [$"{name}/x3", Scalar(graph, $"{name}/c", 0.044715f)], $"{name}/cubic");
                Op(graph, "Add", $"{name}/inner", [x, $"{name}/cubic"], $"{name}/inner");
                Op(graph, "Mul", $"{name}/scaled", [$"{name}/inner", Scalar(graph, $"{name}/k", MathF.Sqrt(2f / MathF.PI))], $"{name}/scaled");
                Op(graph, "Tanh", $"{name}/tanh", [$"{name}/scaled"], $"{name}/tanh");
                HalfXTimesOnePlus(graph, name, x, $"{name}/tanh", output);
                break;
            default:
                throw new NotSupportedException($"ONNX export: activation {a.Function} of '{name}' has no ONNX form");
        }
    }

    // 0.5·x·(1 + t), the common tail of both GELU forms.
    private static void HalfXTimesOnePlus(GraphProto graph, string name, string x, string t, string output)
    {
        Op(graph, "Add", $"{name}/one_plus", [t, Scalar(graph, $"{name}/one", 1f)], $"{name}/one_plus");
        Op(graph, "Mul", $"{name}/x_times", [x, $"{name}/one_plus"], $"{name}/x_times");
        Op(graph, "Mul", name, [$"{name}/x_times", Scalar(graph, $"{name}/half", 0.5f)], output);
    }

    private static string[] Parameters(GraphProto graph, string name, LayerWeights layer, string input)
    {
        graph.Initializer.Add(FloatTensor($"{name}.weight", layer.Weight, [.. layer.Shape.Select(d => (long)d)]));
        if (layer.Bias is null)
            return [input, $"{name}.weight"];
        graph.Initializer.Add(FloatTensor($"{name}.bias", layer.Bias, layer.Bias.Length));
        return [input, $"{name}.weight", $"{name}.bias"];
    }

    private static void BatchNormalization(GraphProto graph, BatchNormNode b, string output)
    {
        var (name, norm) = (b.Name, b.Statistics);
        graph.Initializer.Add(FloatTensor($"{name}.weight", norm.Gamma, norm.Channels));
        graph.Initializer.Add(FloatTensor($"{name}.bias", norm.Beta, norm.Channels));
        graph.Initializer.Add(FloatTensor($"{name}.running_mean", norm.RunningMean, norm.Channels));
        graph.Initializer.Add(FloatTensor($"{name}.running_var", norm.RunningVar, norm.Channels));
        // Inference form: one output, the running statistics used as given (training_mode defaults to 0).
        // The operator normalises dimension 1 whatever the rank, so [N, C] after a Gemm is valid too.
        Op(graph, "BatchNormalization", name,
            [b.Input, $"{name}.weight", $"{name}.bias", $"{name}.running_mean", $"{name}.running_var"], output,
            Float("epsilon", norm.Epsilon));
    }

    private static string Scalar(GraphProto graph, string name, float value)
    {
        graph.Initializer.Add(FloatTensor(name, [value]));
        return name;
    }

    private static void Op(GraphProto graph, string opType, string name, string[] inputs, string output, params AttributeProto[] attributes) =>
        graph.Node.Add(Node(opType, name, inputs, [output], attributes));
}
