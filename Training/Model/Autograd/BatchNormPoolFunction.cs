// Training-mode BatchNorm on conv maps, then 2×2 max pooling and ReLU, as one autograd node: the study's
// conv → BN → ReLU → pool block without materialising BN's output or its full-size gradient. The
// forward takes the batch statistics (BatchNormKernel), then pools x·scale + shift directly
// (MaxPoolKernel.ForwardScaled); the backward works from the window winners (BatchNormPoolKernel).
// Same values as BatchNormFunction followed by MaxPool2x2Function.PoolRelu; BatchNormTests pin the two.
using MnistBn.Training.Model.Kernels;
using static TorchSharp.torch;

namespace MnistBn.Training.Model.Autograd;

internal sealed class BatchNormPoolFunction : autograd.SingleTensorFunction<BatchNormPoolFunction>
{
    public override string Name => nameof(BatchNormPoolFunction);

    /// <summary>
    /// relu(maxpool2x2(BN(input))) for input [N, C, H, W] (float32, CPU) with the batch statistics, which
    /// it stores in <paramref name="statistics"/>.
    /// </summary>
    public static Tensor NormalizePoolRelu(Tensor input, Tensor gamma, Tensor beta, double epsilon, BatchStatistics statistics) =>
        apply(new BatchNormArguments(input, gamma, beta, epsilon, statistics).ToApply());

    /// <summary>vars: see <see cref="BatchNormArguments"/>.</summary>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var arguments = BatchNormArguments.Of(vars);
        var input = arguments.Input;
        if (input.dim() != 4 || input.shape[2] < 2 || input.shape[3] < 2)
            throw new ArgumentException($"expected conv maps [N, C, H ≥ 2, W ≥ 2], got [{string.Join(", ", input.shape)}]");

        var x = input.contiguous();
        var (n, c, h, w) = ((int)x.shape[0], (int)x.shape[1], (int)x.shape[2], (int)x.shape[3]);
        var coefficients = BatchNormForward.Measure(ChannelLayout.Of(x), x, arguments);

        var pooled = empty(n, c, h / 2, w / 2);
        var winners = empty([n, c, h / 2, w / 2], ScalarType.Int32);
        var winnerInputs = empty_like(pooled);
        MaxPoolKernel.ForwardScaled(TensorMemory.Floats(x), TensorMemory.Floats(pooled), TensorMemory.Ints(winners), TensorMemory.Floats(winnerInputs),
            h, w, relu: true, n * c, c, coefficients.Scale, coefficients.Shift);

        ctx.save_for_backward([x, pooled, winners, winnerInputs]);
        ctx.save_data("forward", coefficients);
        ctx.save_data("statistics", arguments.Statistics);
        return pooled;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        var (x, pooled, winners, winnerInputs) = (saved[0], saved[1], saved[2], saved[3]);
        var forward = (BatchNormForward)ctx.get_data("forward");
        var statistics = (BatchStatistics)ctx.get_data("statistics");
        var (n, c, h, w) = ((int)x.shape[0], (int)x.shape[1], (int)x.shape[2], (int)x.shape[3]);
        var (planeSize, pooledSize) = (h * w, h / 2 * (w / 2));
        var gradient = gradOutput.contiguous();

        var (sumGrad, sumGradCentered) = (new double[c], new double[c]);
        BatchNormPoolKernel.GradientSums(TensorMemory.Floats(gradient), TensorMemory.Floats(pooled), TensorMemory.Floats(winnerInputs),
            n, c, pooledSize, relu: true, forward.Mean, sumGrad, sumGradCentered);
        var coefficients = BatchNormBackward.From(forward, sumGrad, sumGradCentered, statistics);
        var dx = empty_like(x);
        BatchNormPoolKernel.InputGradient(TensorMemory.Floats(gradient), TensorMemory.Floats(pooled), TensorMemory.Ints(winners),
            TensorMemory.Floats(x), TensorMemory.Floats(dx), n, c, planeSize, pooledSize, relu: true,
            forward.Mean, coefficients.A, coefficients.B, coefficients.K);
        return coefficients.Gradients(dx);
    }
}
