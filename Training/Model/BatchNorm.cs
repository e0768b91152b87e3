// A hand-written Batch Normalization (Ioffe & Szegedy, 2015) for the study, deliberately not
// torch.nn.BatchNorm*: the base class holds γ, β and the running statistics; the sealed 1d/2d
// subclasses only say which input rank they accept (BatchNorm2d adds the fused BN → pool → ReLU block).
//
// Conventions (identical to PyTorch's, so TorchSharp's built-in layers serve as the reference):
// - Training mode normalises with the mini-batch mean and the BIASED variance (divide by the count
//   over N, and H·W for conv maps), then updates the running statistics in place, without autograd:
//   running = (1 − momentum)·running + momentum·batch. Keras writes the same rule the other way
//   round, so Keras's momentum 0.99 is momentum 0.01 here.
// - The running variance accumulates the UNBIASED batch variance (count/(count−1) correction), as
//   PyTorch does; eval mode and the ONNX export normalise with it.
using MnistBn.Training.Model.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistBn.Training.Model;

/// <summary>Per-channel batch normalisation with learnable scale γ (<c>weight</c>) and shift β (<c>bias</c>).</summary>
public abstract class BatchNorm : nn.Module<Tensor, Tensor>
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
    protected BatchNorm(string name, long features, double momentum, double epsilon) : base(name)
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

    /// <summary>The rank this layer accepts (2 for [N, C], 4 for [N, C, H, W]).</summary>
    protected abstract int Rank { get; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        RequireShape(input);
        if (!training)
            return Normalize(input, running_mean, running_var);
        return TrainingStep(input, statistics => BatchNormFunction.Normalize(input, weight, bias, Epsilon, statistics));
    }

    /// <summary>The input's shape is checked against <see cref="Rank"/> and <see cref="Features"/>.</summary>
    private protected void RequireShape(Tensor input)
    {
        if (input.dim() != Rank || input.shape[1] != Features)
            throw new ArgumentException(
                $"{GetName()}: expected a rank-{Rank} input with {Features} channels on axis 1, got [{string.Join(", ", input.shape)}]");
    }

    /// <summary>
    /// Runs a training-mode node built by <paramref name="normalize"/> (which fills the batch statistics),
    /// then moves the running statistics towards the batch's. When the calling thread trains one shard of
    /// a split batch (<see cref="BatchShard"/>), the statistics are the whole batch's and only shard 0
    /// moves the running statistics, once per batch, exactly as an unsplit batch would.
    /// </summary>
    private protected Tensor TrainingStep(Tensor input, Func<BatchStatistics, Tensor> normalize)
    {
        var shard = BatchShard.Current;
        // A part of a split batch may hold a single sample; only the whole batch's count, known after the
        // shards have exchanged their sums, must reach two.
        if (shard is null)
            RequireTwoValues(input.numel() / Features, input);
        var statistics = new BatchStatistics(shard);
        var output = normalize(statistics);
        RequireTwoValues(statistics.Count, input);
        if (shard is { Index: > 0 })
            return output;
        // The buffers are updated in place in their memory, without tensor ops (no autograd involved):
        // four small LibTorch calls per layer and batch cost more than the arithmetic.
        var count = statistics.Count;
        BatchNormKernel.UpdateRunning(TensorMemory.Floats(running_mean), statistics.Mean, Momentum, Momentum);
        BatchNormKernel.UpdateRunning(TensorMemory.Floats(running_var), statistics.Variance, Momentum, Momentum * count / (count - 1));
        TensorMemory.Longs(num_batches_tracked)[0]++;
        return output;
    }

    private void RequireTwoValues(double count, Tensor input)
    {
        if (count < 2)
            throw new ArgumentException($"{GetName()}: training mode needs more than one value per channel, got [{string.Join(", ", input.shape)}]");
    }

    // Eval mode: y = (x − μ)/√(σ² + ε)·γ + β with the running statistics, folded per channel into one
    // scale and one shift so that the full-size tensor sees a single multiply-add. Training mode goes
    // through BatchNormFunction, whose backward pass is written out by hand.
    private protected Tensor Normalize(Tensor input, Tensor mean, Tensor variance)
    {
        var channelShape = new long[Rank];
        Array.Fill(channelShape, 1L);
        channelShape[1] = Features;
        var scale = weight * (variance + Epsilon).rsqrt();
        var shift = bias - mean * scale;
        return addcmul(shift.view(channelShape), input, scale.view(channelShape), 1);
    }
}

/// <summary>Batch normalisation of fully-connected features: input [N, C], statistics over N.</summary>
public sealed class BatchNorm1d : BatchNorm
{
    /// <summary>Creates the layer; see <see cref="BatchNorm"/> for the conventions.</summary>
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
    /// <summary>Creates the layer; see <see cref="BatchNorm"/> for the conventions.</summary>
    public BatchNorm2d(long features, double momentum, double epsilon, string name = nameof(BatchNorm2d))
        : base(name, features, momentum, epsilon)
    {
    }

    /// <inheritdoc/>
    protected override int Rank => 4;

    /// <summary>
    /// relu(maxpool2x2(this(input))) — the study's BN → ReLU → pool block (ReLU and pooling commute). In
    /// training mode one fused node (BatchNormPoolFunction) that never materialises the normalised maps;
    /// the running statistics move exactly as in <see cref="BatchNorm.forward"/>.
    /// </summary>
    public Tensor NormalizePoolRelu(Tensor input)
    {
        RequireShape(input);
        if (!training)
            return MaxPool2x2Function.PoolRelu(Normalize(input, RunningMean, RunningVar));
        return TrainingStep(input, statistics => BatchNormPoolFunction.NormalizePoolRelu(input, Weight, Bias, Epsilon, statistics));
    }
}
