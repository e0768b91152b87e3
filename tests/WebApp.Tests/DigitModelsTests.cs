// The models' closing at shutdown: it waits for predictions in progress and refuses later ones, so no
// request runs on a classifier that the DI container then disposes.
using Microsoft.Extensions.DependencyInjection;
using MnistBn.Inference;

namespace MnistBn.WebApp.Tests;

public sealed class DigitModelsTests
{
    // The models as the app registers them: keyed DigitClassifier singletons from AddDigitClassifier.
    private static (DigitModels Models, ServiceProvider Container) Load(WebAppOptions options)
    {
        var services = new ServiceCollection().AddLogging();
        DigitModels.Register(services, options, AppContext.BaseDirectory);
        var container = services.BuildServiceProvider();
        return (container.GetRequiredService<DigitModels>(), container);
    }

    [Fact]
    public void Predictions_after_the_models_are_disposed_are_refused_not_run()
    {
        var options = new WebAppOptions { Models = { ["bn"] = FixtureModels.BatchNorm } };
        var (models, container) = Load(options);
        using var _ = container;
        var image = GrayImage.FromRaw(TestDigits.Pixels(), "test");
        Assert.NotNull(models.PredictAll(image));

        models.Dispose();

        Assert.Null(models.PredictAll(image));
        models.Dispose(); // twice is harmless: ApplicationStopped and a test host may both dispose
    }

    [Fact]
    public async Task Disposal_while_predicting_lets_no_prediction_fail()
    {
        var options = new WebAppOptions { Models = { ["bn"] = FixtureModels.BatchNorm, ["nobn"] = FixtureModels.NoBatchNorm } };
        var (models, container) = Load(options);
        var pixels = TestDigits.Pixels();
        var answered = 0;
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            // Each one predicts until refused; an exception (a disposed classifier) fails the test.
            while (models.PredictAll(GrayImage.FromRaw(pixels, "test")) is not null)
                Interlocked.Increment(ref answered);
        })).ToList();
        while (Volatile.Read(ref answered) < 100)
            await Task.Delay(5);

        models.Dispose();
        await container.DisposeAsync(); // the classifiers go as the host's container would dispose them

        await Task.WhenAll(workers);
        Assert.True(answered >= 100);
    }
}
