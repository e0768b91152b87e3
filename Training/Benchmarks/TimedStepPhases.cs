// `bench-training --profile`: the step's phases with a stopwatch around each, as a wrapper around the
// real StepPhases, so the steps themselves carry no timing code. Each phase's time runs from the end of
// the previous timed phase, on the thread that created the wrapper (the caller's, which trains part 0
// of a split batch); calls from other threads pass through untimed. For a split batch, Combine therefore
// also holds the wait for the other parts.
using System.Diagnostics;
using MnistBn.Training.DataParallel;
using MnistBn.Training.Loop;
using MnistBn.Training.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistBn.Training.Benchmarks;

/// <summary>Seconds per phase, summed over the steps timed.</summary>
internal sealed class TimedStepPhases(StepPhases inner) : StepPhases(empty(0), empty(0), augmenter: null)
{
    private readonly int _owner = Environment.CurrentManagedThreadId;
    private readonly Stopwatch _clock = new();

    public double GatherSeconds { get; private set; }

    public double AugmentSeconds { get; private set; }

    public double ForwardSeconds { get; private set; }

    public double BackwardSeconds { get; private set; }

    public double CombineSeconds { get; private set; }

    public double OptimizerSeconds { get; private set; }

    /// <summary>Starts the next phase's time now (call before each step).</summary>
    public void Restart() => _clock.Restart();

    public override (Tensor Images, Tensor Labels) Gather(Tensor indices) => Timed(() => inner.Gather(indices), t => GatherSeconds += t);

    public override Tensor Augment(Tensor batch, Tensor? draws) => Timed(() => inner.Augment(batch, draws), t => AugmentSeconds += t);

    public override (Tensor Logits, Tensor Loss) Forward(NetworkModule model, Tensor batch, Tensor batchLabels, BatchStatisticsReducer reducer) =>
        Timed(() => inner.Forward(model, batch, batchLabels, reducer), t => ForwardSeconds += t);

    public override void Backward(Tensor loss) => Timed(() => { inner.Backward(loss); return 0; }, t => BackwardSeconds += t);

    public override IList<Tensor> Gradients(Tensor loss, IList<Tensor> parameters) => Timed(() => inner.Gradients(loss, parameters), t => BackwardSeconds += t);

    public override void Combine(Action combine) => Timed(() => { inner.Combine(combine); return 0; }, t => CombineSeconds += t);

    public override void Update(OptimizerHelper optimizer) => Timed(() => { inner.Update(optimizer); return 0; }, t => OptimizerSeconds += t);

    private T Timed<T>(Func<T> phase, Action<double> add)
    {
        var result = phase();
        if (Environment.CurrentManagedThreadId == _owner)
        {
            add(_clock.Elapsed.TotalSeconds);
            _clock.Restart();
        }
        return result;
    }
}
