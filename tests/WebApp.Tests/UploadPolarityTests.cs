// POST /predict with its defaults on the committed (trained) models: a real MNIST test digit uploaded
// as a PNG light on dark or dark on light is read correctly and says which way round it was read; a
// dot is too small to be a digit; GET /models says what each model is and how accurate it was.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MnistBn.Shared;
using MnistBn.TestSupport;

namespace MnistBn.WebApp.Tests;

public sealed class UploadPolarityTests : IAsyncLifetime
{
    private static readonly string Models = Path.Combine(RepositoryPaths.FindRoot(), "models");
    private TestApp? _app;

    private HttpClient Client => _app!.Client;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(new Dictionary<string, string?>
    {
        ["WebApp:Models:bn"] = Path.Combine(Models, "lenet-bn.onnx"),
        ["WebApp:Models:nobn"] = Path.Combine(Models, "lenet-nobn.onnx"),
    });

    public async Task DisposeAsync() => await _app!.DisposeAsync();

    [Fact]
    public async Task Mnist_png_light_on_dark_and_dark_on_light_is_read_correctly_with_defaults()
    {
        var test = await MnistTestData.TestSetAsync();
        for (var i = 0; i < 10; i++)
        {
            var digit = test.Image(i).ToArray();
            foreach (var (pixels, inverted) in new[] { (digit, false), (digit.Select(v => (byte)(255 - v)).ToArray(), true) })
            {
                var result = await PredictAsync(TestDigits.Png(pixels), "image/png");
                Assert.All(result.Predictions, p =>
                {
                    Assert.Equal(test.Labels[i], p.Digit);
                    Assert.Equal(inverted, p.Inverted);
                    Assert.False(p.Blank || p.TooSmall);
                });
            }
        }
    }

    [Fact]
    public async Task A_dot_is_too_small_to_be_a_digit()
    {
        var dot = new byte[ModelContract.PixelCount];
        dot[14 * 28 + 14] = dot[14 * 28 + 15] = 255;

        var result = await PredictAsync(dot, "application/octet-stream");

        Assert.All(result.Predictions, p => Assert.True(p.TooSmall && !p.Blank, $"{p.Model}: a dot is not flagged too small"));
    }

    [Fact]
    public async Task Forced_polarity_reads_the_picture_that_way()
    {
        var test = await MnistTestData.TestSetAsync();
        var result = await PredictAsync(TestDigits.Png(test.Image(0).ToArray()), "image/png", "?polarity=dark-on-light");
        Assert.All(result.Predictions, p => Assert.True(p.Inverted));
    }

    [Fact]
    public async Task Models_say_what_they_are_and_their_test_accuracy()
    {
        using var models = JsonDocument.Parse(await Client.GetStringAsync("/models"));
        var bn = models.RootElement.EnumerateArray().Single(m => m.GetProperty("name").GetString() == "bn");
        var committed = JsonDocument.Parse(File.ReadAllText(Path.Combine(Models, "lenet-bn.metrics.json"))).RootElement;

        Assert.Equal(committed.GetProperty("eager").GetProperty("accuracy").GetDouble(), bn.GetProperty("testAccuracy").GetDouble(), 6);
        Assert.Contains("BatchNorm", bn.GetProperty("description").GetString());
    }

    private async Task<PredictResponse> PredictAsync(byte[] body, string contentType, string query = "")
    {
        using var response = await Client.PostAsync("/predict" + query, TestDigits.Body(body, contentType));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<PredictResponse>())!;
    }
}
