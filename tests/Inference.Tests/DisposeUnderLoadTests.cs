// Disposing a classifier while other threads predict: the predictions in flight finish, later ones get
// ObjectDisposedException, and nothing crashes inside ONNX Runtime (it did: SIGSEGV, SIGABRT, or
// NullReferenceExceptions from the disposed engines).
using System.Collections.Concurrent;
using MnistBn.TestSupport;

namespace MnistBn.Inference.Tests;

public sealed class DisposeUnderLoadTests
{
    [Fact]
    public async Task Dispose_while_eight_threads_predict_ends_every_call_cleanly()
    {
        var test = await MnistTestData.TestSetAsync();
        for (var trial = 0; trial < 5; trial++)
        {
            var classifier = DigitClassifier.Create(FixtureModels.BatchNorm);
            var unexpected = new ConcurrentBag<Exception>();
            var (completed, refused) = (0, 0);
            using var start = new Barrier(9);
            var workers = Enumerable.Range(0, 8).Select(t => new Thread(() =>
            {
                start.SignalAndWait();
                for (var i = 0; ; i++)
                {
                    try
                    {
                        if (i % 3 == 0)
                            classifier.PredictBatch([GrayImage.FromRaw(test.Image(i % 50)), GrayImage.FromRaw(test.Image((i + 1) % 50))]);
                        else
                            classifier.PredictPixels(test.Image(i % 50));
                        Interlocked.Increment(ref completed);
                    }
                    catch (ObjectDisposedException)
                    {
                        Interlocked.Increment(ref refused);
                        return;
                    }
                    catch (Exception e)
                    {
                        unexpected.Add(e);
                        return;
                    }
                }
            })).ToList();
            workers.ForEach(w => w.Start());
            start.SignalAndWait();
            Thread.Sleep(50 + 20 * trial);
            classifier.Dispose();
            workers.ForEach(w => w.Join());

            Assert.Empty(unexpected);
            Assert.Equal(8, refused);
            Assert.True(completed > 0);
            classifier.Dispose(); // twice is fine
        }
    }
}
