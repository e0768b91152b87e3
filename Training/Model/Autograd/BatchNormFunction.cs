// Training-mode batch normalisation as one autograd node with a hand-written backward pass and C#
// kernels (Kernels/BatchNormKernel.cs). Composed from torch ops (var_mean, broadcasting sub/mul),
// autograd would record ~10 nodes whose backward kernels reduce over the non-contiguous axes (N, H, W)
// one by one, making BN cost more than the convolutions.
// The backward is the closed form of Ioffe & Szegedy's §3 (m values per channel, x̂ = (x − μ)·r with
// r = 1/√(σ² + ε)):
//   dβ = Σ dy,   dγ = Σ dy·x̂ = r·Σ dy·(x − μ),   dx = γr·(dy − dβ/m − x̂·dγ/m)
// which the kernel evaluates as dx = a·dy + b·(x − μ) + k (BatchNormBackward.cs).
// The function has one output, y; the batch mean and biased variance per channel come back through
// a BatchStatistics holder so that the module can update its running statistics without computing
// them twice. (A second, non-differentiable output would need mark_non_differentiable, whose
// bookkeeping in TorchSharp 0.107's Function.WrapOutputs reuses one pinned buffer for two arrays and
// can crash in native code, so this class avoids it.)
using MnistBn.Training.Model.Kernels;
using MnistBn.Training.DataParallel;
using static TorchSharp.torch;

namespace MnistBn.Training.Model.Autograd;

internal sealed class BatchNormFunction : autograd.SingleTensorFunction<BatchNormFunction>
{
    public override string Name => nameof(BatchNormFunction);

    /// <summary>
    /// Normalises <paramref name="input"/> ([N, C] or [N, C, H, W], float32 on the CPU) with its own batch
    /// statistics, which it stores in <paramref name="statistics"/>.
    /// </summary>
    public static Tensor Normalize(Tensor input, Tensor gamma, Tensor beta, double epsilon, BatchStatistics statistics) =>
        apply(new BatchNormArguments(input, gamma, beta, epsilon, statistics).ToApply());

    /// <summary>vars: see <see cref="BatchNormArguments"/>.</summary>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var arguments = BatchNormArguments.Of(vars);
        var layout = ChannelLayout.Of(arguments.Input);
        var x = arguments.Input.contiguous();
        var coefficients = BatchNormForward.Measure(layout, x, arguments);
        var y = empty_like(x);
        layout.ScaleShift(x, y, coefficients);

        ctx.save_for_backward([x]);
        ctx.save_data("layout", layout);
        ctx.save_data("forward", coefficients);
        ctx.save_data("statistics", arguments.Statistics);
        return y;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var x = ctx.get_saved_variables()[0];
        var layout = (ChannelLayout)ctx.get_data("layout");
        var forward = (BatchNormForward)ctx.get_data("forward");
        var statistics = (BatchStatistics)ctx.get_data("statistics");
        var dy = gradOutput.contiguous();
        var (sumGrad, sumGradCentered) = layout.GradientSums(dy, x, forward.Mean);
        var coefficients = BatchNormBackward.From(forward, sumGrad, sumGradCentered, statistics);
        var dx = empty_like(x);
        layout.InputGradient(dy, x, dx, forward.Mean, coefficients);
        return coefficients.Gradients(dx);
    }
}
