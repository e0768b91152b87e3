// Pictures are read the right way round with the defaults: real MNIST test digits, light on dark and
// dark on light, as raw bytes and as PNGs, score alike and say whether they were inverted; forcing a
// polarity still works; a dot is flagged as too small to be a digit instead of getting an answer.
using MnistBn.Shared;
using MnistBn.TestSupport;

namespace MnistBn.Inference.Tests;

public sealed class PolarityTests(ClassifierFixture fixture) : IClassFixture<ClassifierFixture>
{
    private const int Digits = 200;

    private DigitClassifier Classifier => fixture.Classifier;

    [Fact]
    public async Task Dark_on_light_MNIST_digits_are_read_like_the_originals_with_defaults()
    {
        var test = await MnistTestData.TestSetAsync();
        for (var i = 0; i < Digits; i++)
        {
            var original = Classifier.PredictPixels(test.Image(i));
            var darkOnLight = TestImages.Invert(test.Image(i));
            var fromPixels = Classifier.PredictPixels(darkOnLight);
            var fromPng = Classifier.PredictEncoded(TestImages.GrayPng(darkOnLight), $"dark-on-light {i}.png");

            Assert.False(original.Inverted, $"image {i}: a light-on-dark MNIST digit was inverted");
            Assert.True(fromPixels.Inverted && fromPng.Inverted, $"image {i}: a dark-on-light digit was not inverted");
            Assert.Equal(original.Probabilities, fromPixels.Probabilities);
            Assert.Equal(original.Probabilities, fromPng.Probabilities);
            Assert.False(original.IsTooSmall || original.IsBlank, $"image {i}: a real digit was flagged");
        }
    }

    [Fact]
    public async Task Forced_polarity_overrides_the_detection_per_classifier_and_per_call()
    {
        var test = await MnistTestData.TestSetAsync();
        using var darkOnLight = DigitClassifier.Create(FixtureModels.BatchNorm, new DigitClassifierOptions { Polarity = DigitPolarity.DarkOnLight });
        using var lightOnDark = DigitClassifier.Create(FixtureModels.BatchNorm, new DigitClassifierOptions { Polarity = DigitPolarity.LightOnDark });
        var inverted = TestImages.Invert(test.Image(0));
        var expected = Classifier.PredictPixels(test.Image(0)).Probabilities;

        Assert.Equal(expected, darkOnLight.PredictPixels(inverted).Probabilities);
        Assert.NotEqual(expected, lightOnDark.PredictPixels(inverted).Probabilities);
        var image = GrayImage.FromRaw(inverted);
        Assert.False(Classifier.Predict(image, DigitPolarity.LightOnDark).Inverted);
        Assert.Equal(expected, lightOnDark.Predict(image, DigitPolarity.DarkOnLight).Probabilities);
    }

    [Fact]
    public async Task Batch_prediction_reads_each_picture_the_right_way_round()
    {
        var test = await MnistTestData.TestSetAsync();
        var images = Enumerable.Range(0, 20)
            .Select(i => GrayImage.FromRaw(i % 2 == 0 ? test.Image(i) : TestImages.Invert(test.Image(i))))
            .ToList();

        var batch = Classifier.PredictBatch(images);

        for (var i = 0; i < images.Count; i++)
        {
            Assert.Equal(i % 2 == 1, batch[i].Inverted);
            Assert.Equal(Classifier.PredictPixels(test.Image(i)).Digit, batch[i].Digit);
        }
    }

    [Theory]
    [InlineData(28, 3)]
    [InlineData(280, 18)]
    public void A_dot_is_too_small_to_be_a_digit(int side, int dot)
    {
        var pixels = new byte[side * side];
        for (var y = side / 2; y < side / 2 + dot; y++)
            for (var x = side / 2; x < side / 2 + dot; x++)
                pixels[y * side + x] = 255;

        var prediction = Classifier.Predict(new GrayImage(side, side, pixels));

        Assert.True(prediction.IsTooSmall);
        Assert.False(prediction.IsBlank);
    }

    [Fact]
    public void A_blank_picture_is_blank_not_too_small()
    {
        var prediction = Classifier.PredictPixels(new byte[ModelContract.PixelCount]);
        Assert.True(prediction.IsBlank);
        Assert.False(prediction.IsTooSmall);
    }
}
