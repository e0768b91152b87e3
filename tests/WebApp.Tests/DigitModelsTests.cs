// The models' disposal at shutdown: it waits for predictions in progress and refuses later ones, so no
// request runs on a disposed classifier.
using MnistBn.Inference;

namespace MnistBn.WebApp.Tests;

public sealed class DigitModelsTests
{
    [Fact]
    public void Predictions_after_the_models_are_disposed_are_refused_not_run()
    {
        var options = new WebAppOptions { Models = { ["bn"] = FixtureModels.BatchNorm } };
        var models = DigitModels.Load(options, AppContext.BaseDirectory, _ => { });
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
        var models = DigitModels.Load(options, AppContext.BaseDirectory, _ => { });
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

        await Task.WhenAll(workers);
        Assert.True(answered >= 100);
    }
}
