// 2×2 max pooling with stride 2 (floor mode, like max_pool2d(x, 2)), optionally fused with the ReLU
// that follows it, as one autograd node with C# kernels (Kernels/MaxPoolKernel.cs).
// Why not LibTorch: its CPU max_pool2d kernel costs more than the convolution before it on the 26×26
// maps here, and maxima over strided views take ~15 tensor ops, each a pass over memory. One pass
// that records the winner of each window makes the backward pass a scatter. ReLU and max pooling
// commute (both monotone), so relu(pool(x)) equals the study's pool(relu(x)) — with a quarter of the
// ReLU work.
using MnistBn.Training.Model.Kernels;
using static TorchSharp.torch;

namespace MnistBn.Training.Model.Autograd;

internal sealed class MaxPool2x2Function : autograd.SingleTensorFunction<MaxPool2x2Function>
{
    public override string Name => nameof(MaxPool2x2Function);

    /// <summary>The pooled map: input [N, C, H, W] → [N, C, ⌊H/2⌋, ⌊W/2⌋].</summary>
    public static Tensor Pool(Tensor input) => apply(input, false);

    /// <summary>relu(pool(x)), which equals pool(relu(x)).</summary>
    public static Tensor PoolRelu(Tensor input) => apply(input, true);

    /// <summary>vars: input [N, C, H, W] (float32, CPU), relu (bool).</summary>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var input = ((Tensor)vars[0]).contiguous();
        var relu = (bool)vars[1];
        if (input.dim() != 4 || input.shape[2] < 2 || input.shape[3] < 2)
            throw new ArgumentException($"max pooling 2×2 needs [N, C, H, W] with H, W ≥ 2, got [{string.Join(", ", input.shape)}]");
        var (n, c, h, w) = (input.shape[0], input.shape[1], (int)input.shape[2], (int)input.shape[3]);
        var output = empty(n, c, h / 2, w / 2);
        var winners = empty([n, c, h / 2, w / 2], ScalarType.Int32);
        MaxPoolKernel.Forward(TensorMemory.Floats(input), TensorMemory.Floats(output), TensorMemory.Ints(winners),
            h, w, relu, (int)(n * c));
        ctx.save_for_backward([output, winners]);
        ctx.save_data("shape", input.shape);
        ctx.save_data("relu", relu);
        return output;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        var (output, winners) = (saved[0], saved[1]);
        var shape = (long[])ctx.get_data("shape");
        var relu = (bool)ctx.get_data("relu");
        var gradInput = empty(shape);
        MaxPoolKernel.Backward(TensorMemory.Floats(gradOutput.contiguous()), TensorMemory.Floats(output), TensorMemory.Ints(winners),
            TensorMemory.Floats(gradInput), (int)shape[2], (int)shape[3], relu, (int)(shape[0] * shape[1]));
        return [gradInput, null!];
    }
}
