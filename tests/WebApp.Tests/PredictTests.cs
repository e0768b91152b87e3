// POST /predict on good input: every model answers, and the API agrees with the classifier itself.
using System.Net;
using System.Net.Http.Json;
using MnistBn.Inference;

namespace MnistBn.WebApp.Tests;

public sealed class PredictTests(TestAppFixture fixture) : IClassFixture<TestAppFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private async Task<PredictResponse> PredictAsync(byte[] body, string contentType, string query = "")
    {
        using var response = await _client.PostAsync("/predict" + query, TestDigits.Body(body, contentType));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<PredictResponse>())!;
    }

    [Fact]
    public async Task Raw_buffer_returns_both_models_matching_the_classifier()
    {
        var pixels = TestDigits.Pixels();
        var result = await PredictAsync(pixels, "application/octet-stream");

        Assert.Equal(["bn", "nobn"], result.Predictions.Select(p => p.Model));
        foreach (var (model, path) in new[] { ("bn", FixtureModels.BatchNorm), ("nobn", FixtureModels.NoBatchNorm) })
        {
            using var classifier = DigitClassifier.Create(path);
            var expected = classifier.PredictPixels(pixels);
            var actual = result.Predictions.Single(p => p.Model == model);
            Assert.Equal(expected.Digit, actual.Digit);
            Assert.Equal(expected.Confidence, actual.Confidence, 1e-6f);
            Assert.Equal(10, actual.Probabilities.Count);
            for (var i = 0; i < 10; i++)
                Assert.Equal(expected.Probabilities[i], actual.Probabilities[i], 1e-6f);
        }
    }

    [Fact]
    public async Task Blank_canvas_is_flagged_and_a_digit_is_not()
    {
        var blank = await PredictAsync(new byte[784], "application/octet-stream");
        var digit = await PredictAsync(TestDigits.Pixels(), "application/octet-stream");

        Assert.All(blank.Predictions, p => Assert.True(p.Blank, $"{p.Model}: a black canvas is not flagged blank"));
        Assert.All(digit.Predictions, p => Assert.False(p.Blank));
        Assert.All(digit.Predictions, p => Assert.Equal(p.Digit.ToString(), p.Label));
    }

    [Fact]
    public async Task Png_of_the_same_pixels_predicts_exactly_as_the_raw_buffer()
    {
        var pixels = TestDigits.Pixels(seed: 2);
        var raw = await PredictAsync(pixels, "application/octet-stream");
        var png = await PredictAsync(TestDigits.Png(pixels), "image/png");

        Assert.Equal(raw.Predictions.Select(p => p.Probabilities), png.Predictions.Select(p => p.Probabilities));
    }

    [Fact]
    public async Task Jpeg_body_is_accepted()
    {
        var result = await PredictAsync(TestDigits.Jpeg(TestDigits.Pixels(seed: 3)), "image/jpeg");

        Assert.Equal(2, result.Predictions.Count);
        Assert.All(result.Predictions, p => Assert.Equal(1f, p.Probabilities.Sum(), 1e-4f));
    }

    [Fact]
    public async Task Invert_query_equals_sending_the_inverted_pixels()
    {
        var pixels = TestDigits.Pixels(seed: 4);
        var inverted = pixels.Select(v => (byte)(255 - v)).ToArray();

        var direct = await PredictAsync(pixels, "application/octet-stream");
        var rawInverted = await PredictAsync(inverted, "application/octet-stream", "?invert=true");
        var pngInverted = await PredictAsync(TestDigits.Png(inverted), "image/png", "?invert=true");

        Assert.Equal(direct.Predictions.Select(p => p.Probabilities), rawInverted.Predictions.Select(p => p.Probabilities));
        Assert.Equal(direct.Predictions.Select(p => p.Probabilities), pngInverted.Predictions.Select(p => p.Probabilities));
    }

    [Fact]
    public async Task Content_type_parameters_are_ignored()
    {
        var result = await PredictAsync(TestDigits.Png(TestDigits.Pixels()), "image/png; name=seven.png");

        Assert.Equal(2, result.Predictions.Count);
    }

    [Fact]
    public async Task Concurrent_requests_all_succeed()
    {
        var pixels = TestDigits.Pixels(seed: 5);
        var tasks = Enumerable.Range(0, 16).Select(async _ =>
        {
            for (var i = 0; i < 25; i++)
                await PredictAsync(pixels, "application/octet-stream");
        });

        await Task.WhenAll(tasks);
    }

    [Fact]
    public async Task Page_and_script_are_served()
    {
        var page = await _client.GetStringAsync("/");
        var script = await _client.GetStringAsync("/app.js");

        Assert.Contains("<canvas id=\"pad\"", page);
        Assert.Contains("application/octet-stream", script);
    }
}
