// TorchSharp's Adam with its step replaced by AdamKernel: one vectorised pass per parameter instead
// of ~8 tensor ops, whose native calls dominate on this model's 14 small parameters. Everything else
// is inherited — parameter groups, learning-rate control, the per-parameter state (step, exp_avg,
// exp_avg_sq) and its save/load format — so checkpoints are interchangeable
// with plain optim.Adam. AMSGrad and maximize are not supported (the study uses neither). With
// UpdateThreads set, the update of every parameter is split into ranges updated on several threads.
using MnistBn.Training.DataParallel;
using MnistBn.Training.Model.Kernels;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistBn.Training.Loop;

/// <summary>Adam (PyTorch's formula, L2 weight decay) whose update runs as one pass per parameter.</summary>
public sealed class SinglePassAdam : Adam
{
    /// <summary>Same arguments as <c>optim.Adam</c>, without AMSGrad and maximize.</summary>
    public SinglePassAdam(IEnumerable<Parameter> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0)
        : base(parameters, learningRate, beta1, beta2, epsilon, weightDecay, false, false)
    {
    }

    /// <summary>
    /// When set, the update is split into disjoint ranges of every parameter, one per thread (those that train the
    /// parts of a split batch). Element-wise, so the result is the same.
    /// </summary>
    internal PartThreads? UpdateThreads { get; init; }

    /// <inheritdoc/>
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        var updates = new List<(Tensor Values, Tensor Gradient, State State, AdamCoefficients Coefficients)>();
        foreach (var parameter in group.Parameters)
        {
            var gradient = parameter.grad;
            if (gradient is null)
                continue;
            var state = (State)_state[parameter.Handle];
            state.step += 1;
            var coefficients = AdamCoefficients.For(options.LearningRate!.Value, options.beta1!.Value, options.beta2!.Value,
                options.eps!.Value, options.weight_decay!.Value, state.step);
            updates.Add((parameter.detach(), gradient.contiguous(), state, coefficients));
        }
        try
        {
            if (UpdateThreads is null)
                Update(updates, 0, 1);
            else
                UpdateThreads.RunOnEveryThread((thread, threads) => Update(updates, thread, threads));
        }
        finally
        {
            foreach (var (values, gradient, _, _) in updates)
            {
                values.Dispose();
                gradient.Dispose();
            }
        }
    }, closure);

    private static void Update(List<(Tensor Values, Tensor Gradient, State State, AdamCoefficients Coefficients)> updates, int thread, int threads)
    {
        foreach (var (values, gradient, state, coefficients) in updates)
        {
            var parameter = TensorMemory.Floats(values);
            var (start, length) = ElementRanges.Of(parameter.Length, thread, threads);
            AdamKernel.Step(parameter.Slice(start, length), TensorMemory.Floats(gradient).Slice(start, length),
                TensorMemory.Floats(state.exp_avg).Slice(start, length), TensorMemory.Floats(state.exp_avg_sq).Slice(start, length), coefficients);
        }
    }
}
