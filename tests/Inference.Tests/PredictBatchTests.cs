// DigitClassifier.PredictBatch: the pipeline's batch path gives exactly the single predictions, in
// order, blank flags included; null input is an ArgumentNullException.
using MnistBn.Shared;
using MnistBn.TestSupport;

namespace MnistBn.Inference.Tests;

public sealed class PredictBatchTests(ClassifierFixture fixture) : IClassFixture<ClassifierFixture>
{
    [Fact]
    public async Task Batch_equals_one_prediction_per_image_in_order()
    {
        var test = await MnistTestData.TestSetAsync();
        var images = Enumerable.Range(0, 300).Select(i => new GrayImage(28, 28, test.Image(i).ToArray()))
            .Append(new GrayImage(28, 28, new byte[ModelContract.PixelCount]))
            .Append(new GrayImage(56, 56, TestImages.Upscale(test.Image(5), 2)))
            .ToList();

        var batch = fixture.Classifier.PredictBatch(images);

        Assert.Equal(images.Count, batch.Count);
        for (var i = 0; i < images.Count; i++)
        {
            var single = fixture.Classifier.Predict(images[i]);
            Assert.Equal(single.Probabilities, batch[i].Probabilities);
            Assert.Equal(single.Digit, batch[i].Digit);
            Assert.Equal(single.IsBlank, batch[i].IsBlank);
        }
        Assert.True(batch[300].IsBlank);
    }

    [Fact]
    public void Empty_batch_gives_no_predictions() => Assert.Empty(fixture.Classifier.PredictBatch([]));

    [Fact]
    public void Null_batch_or_image_is_an_argument_null_exception()
    {
        Assert.Throws<ArgumentNullException>(() => fixture.Classifier.PredictBatch(null!));
        var error = Assert.Throws<ArgumentNullException>(() => fixture.Classifier.PredictBatch([null!]));
        Assert.Contains("image 0", error.Message);
    }
}
