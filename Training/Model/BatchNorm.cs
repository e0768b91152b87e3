// A hand-written Batch Normalization (Ioffe & Szegedy, 2015) for the study, deliberately not
// torch.nn.BatchNorm*: the base class holds γ, β, the running statistics, eval mode and the paper's
// Algorithm 1; the sealed 1d/2d subclasses only say which input rank they accept. Training mode runs
// Algorithm1, or the fast kernel the network hands it (KernelChoice.cs decides which).
//
// Conventions (identical to PyTorch's, so TorchSharp's built-in layers serve as the reference):
// - Training mode normalises with the mini-batch mean and the BIASED variance (divide by the count
//   over N, and H·W for conv maps), then updates the running statistics in place, without autograd:
//   running = (1 − momentum)·running + momentum·batch. Keras writes the same rule the other way
//   round, so Keras's momentum 0.99 is momentum 0.01 here.
// - The running variance accumulates the UNBIASED batch variance (count/(count−1) correction), as
//   PyTorch does; eval mode and the ONNX export normalise with it.
using MnistBn.Training.Model.Autograd;
using MnistBn.OnnxExport.TorchSharp;
using MnistBn.OnnxExport.Weights;
using MnistBn.Training.Model.Kernels;
using MnistBn.Training.DataParallel;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistBn.Training.Model;

/// <summary>Per-channel batch normalisation with learnable scale γ (<c>weight</c>) and shift β (<c>bias</c>).</summary>
public abstract class BatchNorm : nn.Module<Tensor, Tensor>, IBatchNormModule
{
    // Field names are the state_dict keys (RegisterComponents uses them): weight, bias,
    // running_mean, running_var, num_batches_tracked — the same keys as PyTorch's layers.
#pragma warning disable IDE1006 // state_dict names follow PyTorch, not C# field naming
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly Tensor running_mean;
    private readonly Tensor running_var;
    private readonly Tensor num_batches_tracked;
#pragma warning restore IDE1006

    /// <summary>Creates the layer with γ = 1, β = 0, running mean 0 and running variance 1.</summary>
    private protected BatchNorm(string name, long features, double momentum, double epsilon) : base(name)
    {
        if (features <= 0)
            throw new ArgumentOutOfRangeException(nameof(features), features, "must be positive");
        if (momentum is <= 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "must be in (0, 1] (PyTorch convention)");
        if (epsilon <= 0)
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "must be positive");
        Features = features;
        Momentum = momentum;
        Epsilon = epsilon;
        weight = nn.Parameter(ones(features));
        bias = nn.Parameter(zeros(features));
        running_mean = zeros(features);
        running_var = ones(features);
        num_batches_tracked = tensor(0L);
        RegisterComponents();
    }

    /// <summary>Channels (conv maps) or features (fully connected) normalised.</summary>
    public long Features { get; }

    /// <summary>PyTorch convention: weight of the new batch statistic in the running average.</summary>
    public double Momentum { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; }

    /// <summary>γ, the learnable per-channel scale.</summary>
    public Parameter Weight => weight;

    /// <summary>β, the learnable per-channel shift.</summary>
    public Parameter Bias => bias;

    /// <summary>Running mean of the batch means (used in eval mode).</summary>
    public Tensor RunningMean => running_mean;

    /// <summary>Running mean of the UNBIASED batch variances (used in eval mode).</summary>
    public Tensor RunningVar => running_var;

    /// <summary>How many training batches have updated the running statistics.</summary>
    public Tensor NumBatchesTracked => num_batches_tracked;

    // What ONNX export reads (MnistBn.OnnxExport.TorchSharp): eval mode's γ, β, running statistics and ε.
    Tensor? IBatchNormModule.Weight => weight;

    Tensor? IBatchNormModule.Bias => bias;

    /// <summary>Training mode's fast autograd node, handed over by the network (KernelChoice.cs); null runs <see cref="Algorithm1"/>.</summary>
    internal BatchNormTrainingNode? TrainingNode { get; init; }

    /// <summary>Whether training mode runs a fast kernel rather than <see cref="Algorithm1"/>.</summary>
    public bool RunsFastKernel => TrainingNode is not null;

    /// <summary>The rank this layer accepts (2 for [N, C], 4 for [N, C, H, W]).</summary>
    protected abstract int Rank { get; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => Forward(input, BatchStatisticsReducer.WholeBatch);

    /// <summary>
    /// Normalises <paramref name="input"/>: in eval mode with the running statistics, in training mode with the
    /// batch's (over the whole batch when <paramref name="reducer"/> is a part of a split one), moving the running
    /// statistics towards them.
    /// </summary>
    public Tensor Forward(Tensor input, BatchStatisticsReducer reducer)
    {
        RequireShape(input);
        if (!training)
            return Normalize(input, running_mean, running_var);
        return TrainingNode is null ? Algorithm1(input, reducer) : TrainChecked(input, reducer, TrainingNode);
    }

    // The reference: Ioffe & Szegedy's Algorithm 1 over a mini-batch B of m values per channel, in plain
    // tensor ops; autograd derives the backward pass. The fast kernels are tested against this.
    private Tensor Algorithm1(Tensor x, BatchStatisticsReducer reducer)
    {
        if (reducer.IsSplit)
            throw new InvalidOperationException($"{GetName()}: the reference BatchNorm normalises its own batch; reference kernels train on one thread");
        long[] axes = Rank == 4 ? [0, 2, 3] : [0]; // every axis but the channels
        var count = x.numel() / Features;
        RequireTwoValues(count, x);
        var mean = x.mean(axes, keepdim: true);                        // μ_B = 1/m Σ xᵢ
        var variance = (x - mean).square().mean(axes, keepdim: true);  // σ²_B = 1/m Σ (xᵢ − μ_B)²
        var normalized = (x - mean) / (variance + Epsilon).sqrt();     // x̂ᵢ = (xᵢ − μ_B) / √(σ²_B + ε)
        var y = normalized * weight.view(ChannelShape) + bias.view(ChannelShape); // yᵢ = γ x̂ᵢ + β
        UpdateRunningStatistics(Channelwise(mean), Channelwise(variance), count);
        return y;
    }

    private static double[] Channelwise(Tensor perChannel) =>
        [.. perChannel.detach().flatten().data<float>().Select(v => (double)v)];

    /// <summary>[1, C] or [1, C, 1, 1]: a per-channel vector shaped to broadcast over the input.</summary>
    private long[] ChannelShape => Rank == 4 ? [1, Features, 1, 1] : [1, Features];

    /// <summary>The input's shape is checked against <see cref="Rank"/> and <see cref="Features"/>.</summary>
    private void RequireShape(Tensor input)
    {
        if (input.dim() != Rank || input.shape[1] != Features)
            throw new ArgumentException(
                $"{GetName()}: expected a rank-{Rank} input with {Features} channels on axis 1, got [{string.Join(", ", input.shape)}]");
    }

    /// <summary>
    /// Training mode on a fast kernel: runs <paramref name="node"/> (BatchNormFunction, or a fused node such as
    /// BatchNormPoolFunction), which fills the batch statistics, then moves the running statistics towards them.
    /// In a split batch the statistics are the whole batch's and only part 0 moves the running statistics, once
    /// per batch, as an unsplit batch would.
    /// </summary>
    internal Tensor Train(Tensor input, BatchStatisticsReducer reducer, BatchNormTrainingNode node)
    {
        RequireShape(input);
        return TrainChecked(input, reducer, node);
    }

    // Train for an input whose shape Forward has already checked.
    private Tensor TrainChecked(Tensor input, BatchStatisticsReducer reducer, BatchNormTrainingNode node)
    {
        // A part of a split batch may hold a single sample; only the whole batch's count, known after the
        // parts have exchanged their sums, must reach two.
        if (!reducer.IsSplit)
            RequireTwoValues(input.numel() / Features, input);
        var statistics = new BatchStatistics(reducer);
        var output = node(input, weight, bias, Epsilon, statistics);
        RequireTwoValues(statistics.Count, input);
        if (reducer.Part == 0)
            UpdateRunningStatistics(statistics.Mean, statistics.Variance, statistics.Count);
        return output;
    }

    private void RequireTwoValues(double count, Tensor input)
    {
        if (count < 2)
            throw new ArgumentException($"{GetName()}: training mode needs more than one value per channel, got [{string.Join(", ", input.shape)}]");
    }

    /// <summary>
    /// running = (1 − momentum)·running + momentum·batch, the variance's batch value made unbiased (m/(m − 1)),
    /// as PyTorch does. Written into the buffers' memory, without tensor ops: no autograd is involved, and
    /// four small LibTorch calls per layer and batch cost more than the arithmetic.
    /// </summary>
    private void UpdateRunningStatistics(double[] mean, double[] biasedVariance, double count)
    {
        BatchNormKernel.UpdateRunning(TensorMemory.Floats(running_mean), mean, Momentum, Momentum);
        BatchNormKernel.UpdateRunning(TensorMemory.Floats(running_var), biasedVariance, Momentum, Momentum * count / (count - 1));
        TensorMemory.Longs(num_batches_tracked)[0]++;
    }

    /// <summary>Eval mode: y = x·scale + shift per channel (BatchNormAffine) with the given statistics.</summary>
    private Tensor Normalize(Tensor input, Tensor mean, Tensor variance)
    {
        var (scale, shift) = BatchNormAffine.Of(Floats(weight), Floats(bias), Floats(mean), Floats(variance), Epsilon);
        using var scaleTensor = tensor(scale).view(ChannelShape);
        using var shiftTensor = tensor(shift).view(ChannelShape);
        return addcmul(shiftTensor, input, scaleTensor, 1);
    }

    private static ReadOnlySpan<float> Floats(Tensor values) => values.detach().data<float>().ToArray();
}

/// <summary>Batch normalisation of fully-connected features: input [N, C], statistics over N.</summary>
public sealed class BatchNorm1d : BatchNorm
{
    /// <summary>Creates the layer, training with Algorithm 1 (the paper's, in tensor ops); a NetworkModule on the fast kernels hands its layers the fast node instead. See <see cref="BatchNorm"/> for the conventions.</summary>
    public BatchNorm1d(long features, double momentum, double epsilon, string name = nameof(BatchNorm1d))
        : base(name, features, momentum, epsilon)
    {
    }

    /// <inheritdoc/>
    protected override int Rank => 2;
}

/// <summary>Batch normalisation of conv feature maps: input [N, C, H, W], statistics over N, H and W.</summary>
public sealed class BatchNorm2d : BatchNorm
{
    /// <summary>Creates the layer, training with Algorithm 1 (the paper's, in tensor ops); a NetworkModule on the fast kernels hands its layers the fast node instead. See <see cref="BatchNorm"/> for the conventions.</summary>
    public BatchNorm2d(long features, double momentum, double epsilon, string name = nameof(BatchNorm2d))
        : base(name, features, momentum, epsilon)
    {
    }

    /// <inheritdoc/>
    protected override int Rank => 4;
}
