// LeNet's first convolution (3×3, valid, stride 1, one input channel) as one autograd node with the C#
// kernels of Kernels/SingleChannelConvKernel.cs. The weights and bias stay in the nn.Conv2d module
// (state_dict, checkpoints and the ONNX export are unchanged); only the arithmetic moves. The input
// gets no gradient (images need none), so LeNet uses the module instead when the input asks for one.
using MnistBn.Training.Model.Kernels;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistBn.Training.Model.Autograd;

internal sealed class SingleChannelConvFunction : autograd.SingleTensorFunction<SingleChannelConvFunction>
{
    public override string Name => nameof(SingleChannelConvFunction);

    /// <summary>
    /// <paramref name="conv"/> (3×3, one input channel, no padding, stride 1) applied to
    /// <paramref name="input"/>: on the C# kernel when the input needs no gradient, else by the module.
    /// </summary>
    public static Tensor Call(Conv2d conv, Tensor input) =>
        input.requires_grad ? conv.call(input) : Convolve(input, conv.weight!, conv.bias);

    /// <summary>F.conv2d(input, weight, bias) for input [N, 1, H, W] and weight [C, 1, 3, 3]: no padding, stride 1.</summary>
    public static Tensor Convolve(Tensor input, Tensor weight, Tensor? bias)
    {
        if (input.dim() != 4 || input.shape[1] != 1 || input.shape[2] < 3 || input.shape[3] < 3)
            throw new ArgumentException($"expected a single-channel input [N, 1, H ≥ 3, W ≥ 3], got [{string.Join(", ", input.shape)}]", nameof(input));
        if (weight.dim() != 4 || weight.shape[1] != 1 || weight.shape[2] != 3 || weight.shape[3] != 3)
            throw new ArgumentException($"expected a weight [C, 1, 3, 3], got [{string.Join(", ", weight.shape)}]", nameof(weight));
        if (input.requires_grad)
            throw new ArgumentException("the input must not require a gradient (this node computes none for it)", nameof(input));
        return bias is null ? apply(input, weight) : apply(input, weight, bias);
    }

    /// <summary>vars: input [N, 1, H, W], weight [C, 1, 3, 3], optionally bias [C].</summary>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var input = ((Tensor)vars[0]).contiguous();
        var weight = ((Tensor)vars[1]).detach().contiguous();
        var bias = vars.Length > 2 ? ((Tensor)vars[2]).detach().contiguous() : null;
        var (n, c, h, w) = ((int)input.shape[0], (int)weight.shape[0], (int)input.shape[2], (int)input.shape[3]);
        var output = empty(n, c, h - 2, w - 2);
        SingleChannelConvKernel.Forward(TensorMemory.Floats(input), TensorMemory.Floats(weight),
            bias is null ? [] : TensorMemory.Floats(bias), TensorMemory.Floats(output), n, c, h, w);
        ctx.save_for_backward([input]);
        ctx.save_data("channels", c);
        ctx.save_data("bias", bias is not null);
        return output;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var input = ctx.get_saved_variables()[0];
        var channels = (int)ctx.get_data("channels");
        var hasBias = (bool)ctx.get_data("bias");
        var gradient = gradOutput.contiguous();
        var gradWeight = empty(channels, 1, 3, 3);
        var gradBias = hasBias ? empty(channels) : null;
        SingleChannelConvKernel.Backward(TensorMemory.Floats(input), TensorMemory.Floats(gradient), TensorMemory.Floats(gradWeight),
            gradBias is null ? [] : TensorMemory.Floats(gradBias), (int)input.shape[0], channels, (int)input.shape[2], (int)input.shape[3]);
        return hasBias ? [null!, gradWeight, gradBias!] : [null!, gradWeight];
    }
}
