// A 3×3 valid convolution, stride 1, as one autograd node: LibTorch computes the forward pass, the C#
// kernel in Kernels/Conv3x3BackwardKernel.cs the backward pass (LibTorch's backward for LeNet's
// conv2 would be the largest single cost of a training step). Weights and bias stay in the nn.Conv2d
// module, so state_dict, checkpoints and the ONNX export are unchanged.
using MnistBn.Training.Model.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistBn.Training.Model.Autograd;

internal sealed class Conv3x3Function : autograd.SingleTensorFunction<Conv3x3Function>
{
    public override string Name => nameof(Conv3x3Function);

    /// <summary><paramref name="conv"/> (3×3, no padding, stride 1, no groups or dilation) applied to <paramref name="input"/> [N, Cin, H, W].</summary>
    public static Tensor Call(Conv2d conv, Tensor input)
    {
        var weight = conv.weight!;
        if (weight.dim() != 4 || weight.shape[2] != 3 || weight.shape[3] != 3)
            throw new ArgumentException($"expected a 3×3 convolution, got a weight [{string.Join(", ", weight.shape)}]", nameof(conv));
        if (conv.stride.Any(s => s != 1) || conv.dilation.Any(d => d != 1) || conv.groups != 1
            || conv.padding_type is not null and not Padding.Valid || (conv.padding?.Any(p => p != 0) ?? false))
            throw new ArgumentException(
                $"expected stride 1, no padding, no dilation and one group, got stride [{string.Join(", ", conv.stride)}], " +
                $"padding [{string.Join(", ", conv.padding ?? [])}], dilation [{string.Join(", ", conv.dilation)}], groups {conv.groups}", nameof(conv));
        if (input.dim() != 4 || input.shape[1] != weight.shape[1] || input.shape[2] < 3 || input.shape[3] < 3)
            throw new ArgumentException($"expected an input [N, {weight.shape[1]}, H ≥ 3, W ≥ 3], got [{string.Join(", ", input.shape)}]", nameof(input));
        return conv.bias is null ? apply(input, weight) : apply(input, weight, conv.bias);
    }

    /// <summary>vars: input [N, Cin, H, W], weight [Cout, Cin, 3, 3], optionally bias [Cout].</summary>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var input = ((Tensor)vars[0]).contiguous();
        var weight = ((Tensor)vars[1]).detach().contiguous();
        var bias = vars.Length > 2 ? ((Tensor)vars[2]).detach() : null;
        ctx.save_for_backward([input, weight]);
        ctx.save_data("bias", bias is not null);
        return F.conv2d(input, weight, bias);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        var (input, weight) = (saved[0], saved[1]);
        var hasBias = (bool)ctx.get_data("bias");
        var (n, inChannels, height, width) = ((int)input.shape[0], (int)input.shape[1], (int)input.shape[2], (int)input.shape[3]);
        var outChannels = (int)weight.shape[0];
        var gradInput = empty_like(input);
        var gradWeight = empty_like(weight);
        var gradBias = hasBias ? empty(outChannels) : null;
        Conv3x3BackwardKernel.Backward(TensorMemory.Floats(input), TensorMemory.Floats(weight), TensorMemory.Floats(gradOutput.contiguous()),
            TensorMemory.Floats(gradInput), TensorMemory.Floats(gradWeight), gradBias is null ? [] : TensorMemory.Floats(gradBias),
            n, inChannels, outChannels, height, width);
        return hasBias ? [gradInput, gradWeight, gradBias!] : [gradInput, gradWeight];
    }
}
