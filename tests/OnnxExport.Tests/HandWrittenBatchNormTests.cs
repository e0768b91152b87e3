// A BatchNorm that is not torch.nn.BatchNorm*: implementing IBatchNormModule is all it takes to be
// exported (folded into the conv before it, or as a BatchNormalization node) like the built-in layer.
using MnistBn.OnnxExport.Tests.Support;
using MnistBn.OnnxExport.TorchSharp;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests;

public sealed class HandWrittenBatchNormTests
{
    [Theory, ExportSettings]
    public void Hand_written_BatchNorm_implementing_IBatchNormModule_matches_eager_within_1e5(int opset, bool fold)
    {
        var model = Seeded.Eval(() => nn.Sequential(nn.Conv2d(3, 6, 3), new HandWrittenBatchNorm(6, seed: 5), nn.ReLU()));
        EagerVsOnnx.AssertMatches(model, [3, 9, 9], opset, fold);
    }

    [Fact]
    public void Hand_written_BatchNorm_after_conv_folds_like_the_built_in_one()
    {
        var model = Seeded.Eval(() => nn.Sequential(nn.Conv2d(3, 6, 3), new HandWrittenBatchNorm(6, seed: 5)));
        Assert.Equal(0, OnnxGraph.Count(model.ToOnnxModel([3, 9, 9]), "BatchNormalization"));
        Assert.Equal(1, OnnxGraph.Count(model.ToOnnxModel([3, 9, 9], new OnnxExportOptions { FoldBatchNorm = false }), "BatchNormalization"));
    }

    /// <summary>Eval-mode batch normalisation over dimension 1, written by hand.</summary>
    private sealed class HandWrittenBatchNorm : nn.Module<Tensor, Tensor>, IBatchNormModule
    {
        private readonly Tensor _weight, _bias, _mean, _var;

        public HandWrittenBatchNorm(long channels, int seed) : base(nameof(HandWrittenBatchNorm))
        {
            var generator = new Generator((ulong)seed);
            _weight = rand(channels, generator: generator) + 0.5;
            _bias = randn(channels, generator: generator) * 0.3;
            _mean = randn(channels, generator: generator) * 0.5;
            _var = rand(channels, generator: generator) + 0.3;
        }

        public Tensor? Weight => _weight;
        public Tensor? Bias => _bias;
        public Tensor RunningMean => _mean;
        public Tensor RunningVar => _var;
        public double Epsilon => 1e-3;

        public override Tensor forward(Tensor input)
        {
            long[] shape = [1, _mean.shape[0], .. Enumerable.Repeat(1L, (int)input.dim() - 2)];
            var scale = (_weight / (_var + Epsilon).sqrt()).reshape(shape);
            return (input - _mean.reshape(shape)) * scale + _bias.reshape(shape);
        }
    }
}
