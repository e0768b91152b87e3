// Every fixture network (LeNet nobn/bn/bn-after, the paper's MLP, the three-conv-block net) after a
// few dozen Adam steps on real MNIST training images: enough for the weights and the BatchNorm
// running statistics to be far from their initial values, in a few seconds. Shared by the
// eager-versus-ONNX tests through a class fixture.
using MnistBn.Shared;
using MnistBn.Shared.Data;
using MnistBn.TestSupport;
using MnistBn.Training.Model;
using static TorchSharp.torch;

namespace MnistBn.Training.Tests.Export;

public sealed class TrainedNetworks : IAsyncLifetime
{
    private const int Steps = 40;
    private const int BatchSize = 64;
    private readonly Dictionary<string, NetworkModule> _models = [];

    public LabeledImages TestImages { get; private set; } = null!;

    /// <summary>The trained module of the fixture network <paramref name="name"/>, in eval mode.</summary>
    public NetworkModule Model(string name) => _models[name];

    public async Task InitializeAsync()
    {
        var directory = await MnistTestData.EnsureAsync();
        var train = MnistDataset.LoadTrain(directory, MnistTestData.Config.Data.Files).Take(Steps * BatchSize);
        TestImages = (await MnistTestData.TestSetAsync()).Take(2000);
        foreach (var name in FixtureNetworks.Names)
            _models[name] = Train(name, train);
    }

    public Task DisposeAsync()
    {
        foreach (var model in _models.Values)
            model.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Scaled pixels of images [start, start + count) as float[count·784], the model contract's scaling.</summary>
    public static float[] Pixels(LabeledImages images, int start, int count) =>
        images.Pixels.AsSpan(start * ModelContract.PixelCount, count * ModelContract.PixelCount).ToArray()
            .Select(ModelContract.ScalePixel).ToArray();

    private static NetworkModule Train(string name, LabeledImages train)
    {
        manual_seed(17);
        var model = new NetworkModule(FixtureNetworks.ByName(name));
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
