// Every way an app can hand in a digit gives the same answer for the same picture: raw bytes, a PNG
// file, a stream, encoded bytes; colour and larger pictures are converted and resized; inversion
// of dark-on-light pictures is PolarityTests'.
using MnistBn.Shared;
using MnistBn.TestSupport;

namespace MnistBn.Inference.Tests;

public sealed class InputFormsTests(ClassifierFixture fixture) : IClassFixture<ClassifierFixture>
{
    private DigitClassifier Classifier => fixture.Classifier;

    [Fact]
    public async Task Raw_buffer_and_png_file_of_the_same_digit_give_the_same_prediction()
    {
        var test = await MnistTestData.TestSetAsync();
        var folder = FixtureModels.TempFolder();
        for (var i = 0; i < 10; i++)
        {
            var path = Path.Combine(folder, $"digit{i}.png");
            File.WriteAllBytes(path, TestImages.GrayPng(test.Image(i)));
            var fromRaw = Classifier.PredictPixels(test.Image(i));
            var fromFile = Classifier.PredictFile(path);
            Assert.Equal(fromRaw.Probabilities, fromFile.Probabilities);
            Assert.Equal(fromRaw.Digit, fromFile.Digit);
        }
    }

    [Fact]
    public async Task Stream_and_encoded_bytes_give_the_same_prediction_as_the_file()
    {
        var test = await MnistTestData.TestSetAsync();
        var png = TestImages.GrayPng(test.Image(3));
        var path = Path.Combine(FixtureModels.TempFolder(), "three.png");
        File.WriteAllBytes(path, png);
        using var stream = new MemoryStream(png);
        var fromFile = Classifier.PredictFile(path);
        Assert.Equal(fromFile.Probabilities, Classifier.Predict(stream).Probabilities);
        Assert.Equal(fromFile.Probabilities, Classifier.PredictEncoded(png).Probabilities);
    }

    [Fact]
    public async Task Probabilities_sum_to_one_and_top3_is_sorted()
    {
        var test = await MnistTestData.TestSetAsync();
        var prediction = Classifier.PredictPixels(test.Image(0));
        Assert.Equal(ModelContract.ClassCount, prediction.Probabilities.Count);
        Assert.InRange(prediction.Probabilities.Sum(), 0.9999, 1.0001);
        var top = prediction.Top(3);
        Assert.Equal(prediction.Digit, top[0].Digit);
        Assert.True(top[0].Probability >= top[1].Probability && top[1].Probability >= top[2].Probability);
        Assert.Equal(ModelContract.ClassLabels[prediction.Digit], prediction.Label);
    }

    [Fact]
    public async Task Colour_png_is_converted_to_gray_by_luma()
    {
        var test = await MnistTestData.TestSetAsync();
        var colour = ImageDecoder.Decode(TestImages.ColourPng(test.Image(5)), "colour.png");
        var expected = test.Image(5).ToArray().Select(v => (byte)((299 * v + 587 * v + 114 * (v / 2) + 500) / 1000)).ToArray();
        Assert.Equal(expected, colour.Pixels);
        var prediction = Classifier.PredictEncoded(TestImages.ColourPng(test.Image(5)));
        Assert.Equal(Classifier.Predict(colour).Probabilities, prediction.Probabilities);
    }

    [Fact]
    public async Task Larger_image_is_resized_to_28x28_and_scores_close_to_the_original()
    {
        var test = await MnistTestData.TestSetAsync();
        var maxDifference = 0.0;
        for (var i = 0; i < 20; i++)
        {
            var big = TestImages.Upscale(test.Image(i), factor: 4);
            var fromBig = Classifier.PredictEncoded(TestImages.GrayPng(big, 112, 112), "112x112.png");
            var original = Classifier.PredictPixels(test.Image(i));
            maxDifference = Math.Max(maxDifference, fromBig.Probabilities.Zip(original.Probabilities, (a, b) => Math.Abs(a - b)).Max());
        }
        // Downscaling interpolates, so not bit-identical; but the same digit at 4× must score nearly the same.
        Assert.InRange(maxDifference, 0, 0.05);
    }

    [Fact]
    public async Task Disposed_classifier_refuses_predictions()
    {
        var test = await MnistTestData.TestSetAsync();
        var classifier = DigitClassifier.Create(FixtureModels.NoBatchNorm);
        classifier.PredictPixels(test.Image(0));
        classifier.Dispose();
        Assert.Throws<ObjectDisposedException>(() => classifier.PredictPixels(test.Image(0)));
    }
}
