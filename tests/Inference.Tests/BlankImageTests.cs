// A picture without ink still gets an answer from the model (a confident "1" for a black canvas);
// the prediction says it was blank, in every input form and polarity, and real digits are not blank.
using MnistBn.Shared;
using MnistBn.TestSupport;

namespace MnistBn.Inference.Tests;

public sealed class BlankImageTests(ClassifierFixture fixture) : IClassFixture<ClassifierFixture>
{
    [Theory]
    [InlineData(0)]
    [InlineData(255)]
    [InlineData(128)]
    public void Uniform_raw_buffer_is_blank(byte gray)
    {
        var pixels = Enumerable.Repeat(gray, ModelContract.PixelCount).ToArray();
        Assert.True(fixture.Classifier.PredictPixels(pixels).IsBlank);
    }

    [Fact]
    public void Black_canvas_is_blank_even_though_the_model_is_confident()
    {
        var prediction = fixture.Classifier.PredictPixels(new byte[ModelContract.PixelCount]);
        Assert.True(prediction.IsBlank);
        Assert.InRange(prediction.Probabilities.Sum(), 0.999f, 1.001f); // the model's answer is still there to inspect
    }

    [Fact]
    public void Blank_png_of_any_size_is_blank_and_faint_noise_does_not_count_as_ink()
    {
        var pixels = new byte[56 * 56];
        for (var i = 0; i < pixels.Length; i++)
            pixels[i] = (byte)(230 + i % (InkCheck.MinimumContrast - 1)); // white paper with sensor noise
        Assert.True(fixture.Classifier.PredictEncoded(TestImages.GrayPng(pixels, 56, 56), "paper.png").IsBlank);
    }

    [Fact]
    public async Task Real_digits_are_not_blank()
    {
        var test = await MnistTestData.TestSetAsync();
        for (var i = 0; i < 100; i++)
            Assert.False(fixture.Classifier.PredictPixels(test.Image(i)).IsBlank, $"test image {i}");
    }

    [Fact]
    public void One_stroke_on_an_empty_canvas_is_not_blank()
    {
        var pixels = new byte[ModelContract.PixelCount];
        for (var row = 6; row < 22; row++)
            pixels[row * ModelContract.Width + 14] = 200;
        Assert.False(fixture.Classifier.PredictPixels(pixels).IsBlank);
    }
}
