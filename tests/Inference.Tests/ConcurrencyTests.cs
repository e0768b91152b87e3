// Many threads predicting through one classifier get exactly what one thread gets.
using MnistBn.TestSupport;

namespace MnistBn.Inference.Tests;

public sealed class ConcurrencyTests(ClassifierFixture fixture) : IClassFixture<ClassifierFixture>
{
    [Fact]
    public async Task Eight_threads_get_the_same_results_as_sequential_predictions()
    {
        const int images = 100, threads = 8, rounds = 3;
        var test = (await MnistTestData.TestSetAsync()).Take(images);
        var png = TestImages.GrayPng(test.Image(7));
        var expected = Enumerable.Range(0, images).Select(i => fixture.Classifier.PredictPixels(test.Image(i)).Probabilities.ToArray()).ToArray();
        var expectedPng = fixture.Classifier.PredictEncoded(png).Probabilities.ToArray();

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var round = 0; round < rounds; round++)
            {
                for (var k = 0; k < images; k++)
                {
                    var i = (k + t * 13) % images; // threads walk the set from different places
                    var actual = fixture.Classifier.PredictPixels(test.Image(i)).Probabilities;
                    if (!actual.SequenceEqual(expected[i]))
                        failures.Add($"thread {t}, image {i}");
                    if (k % 25 == 0 && !fixture.Classifier.PredictEncoded(png).Probabilities.SequenceEqual(expectedPng))
                        failures.Add($"thread {t}, png");
                }
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        Assert.Empty(failures);
    }
}
