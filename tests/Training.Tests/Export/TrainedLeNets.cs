// Both LeNet variants after a few dozen Adam steps on real MNIST training images: enough for the
// weights and the BatchNorm running statistics to be far from their initial values, in about a
// second. Shared by the eager-versus-ONNX tests through a class fixture.
using MnistBn.Shared;
using MnistBn.Shared.Configuration;
using MnistBn.Shared.Data;
using MnistBn.TestSupport;
using MnistBn.Training.Model;
using static TorchSharp.torch;

namespace MnistBn.Training.Tests.Export;

public sealed class TrainedLeNets : IAsyncLifetime
{
    private const int Steps = 40;
    private const int BatchSize = 64;
    // A larger momentum than pipeline.yaml's 0.01, so 40 steps move the running statistics well away from (0, 1).
    private static readonly BatchNormConfig Bn = new(Momentum: 0.1, Epsilon: 1e-3);

    public NetworkModule WithBatchNorm { get; private set; } = null!;

    public NetworkModule Plain { get; private set; } = null!;

    public LabeledImages TestImages { get; private set; } = null!;

    public NetworkModule Model(string variant) => variant == VariantNames.BatchNorm ? WithBatchNorm : Plain;

    public async Task InitializeAsync()
    {
        var directory = await MnistTestData.EnsureAsync();
        var train = MnistDataset.LoadTrain(directory, MnistTestData.Config.Data.Files).Take(Steps * BatchSize);
        TestImages = (await MnistTestData.TestSetAsync()).Take(2000);
        WithBatchNorm = Train(batchNorm: true, train);
        Plain = Train(batchNorm: false, train);
    }

    public Task DisposeAsync()
    {
        WithBatchNorm.Dispose();
        Plain.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Scaled pixels of images [start, start + count) as float[count·784], the model contract's scaling.</summary>
    public static float[] Pixels(LabeledImages images, int start, int count) =>
        images.Pixels.AsSpan(start * ModelContract.PixelCount, count * ModelContract.PixelCount).ToArray()
            .Select(ModelContract.ScalePixel).ToArray();

    private static NetworkModule Train(bool batchNorm, LabeledImages train)
    {
        manual_seed(17);
        var model = TestNetworks.LeNet(batchNorm ? VariantNames.BatchNorm : VariantNames.NoBatchNorm, Bn);
        model.train();
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
        for (var step = 0; step < Steps; step++)
        {
            using var scope = NewDisposeScope();
            var input = tensor(Pixels(train, step * BatchSize, BatchSize), ModelContract.InputShape(BatchSize));
            var labels = tensor(train.Labels.AsSpan(step * BatchSize, BatchSize).ToArray().Select(l => (long)l).ToArray());
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(input), labels);
            loss.backward();
            optimizer.step();
        }
        model.eval();
        return model;
    }
}
