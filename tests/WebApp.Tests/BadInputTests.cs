// Every client mistake is a 4xx with {"error": "..."} that names the problem, never a 500.
using System.Net;
using System.Net.Http.Json;

namespace MnistBn.WebApp.Tests;

public sealed class BadInputTests(TestAppFixture fixture) : IClassFixture<TestAppFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private async Task<string> ErrorAsync(HttpContent? content, HttpStatusCode expected, string query = "")
    {
        using var response = await _client.PostAsync("/predict" + query, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = System.Text.Json.JsonSerializer.Deserialize<ErrorResponse>(text, System.Text.Json.JsonSerializerOptions.Web)!;
        Assert.False(string.IsNullOrWhiteSpace(error.Error));
        return error.Error;
    }

    [Fact]
    public async Task Empty_raw_body_is_400_naming_the_expected_size()
    {
        var error = await ErrorAsync(TestDigits.Body([], "application/octet-stream"), HttpStatusCode.BadRequest);
        Assert.Contains("empty body", error);
        Assert.Contains("784", error);
    }

    [Fact]
    public async Task Empty_image_body_is_400()
    {
        var error = await ErrorAsync(TestDigits.Body([], "image/png"), HttpStatusCode.BadRequest);
        Assert.Contains("empty body", error);
    }

    [Fact]
    public async Task Non_image_bytes_are_400_not_a_recognised_image()
    {
        var error = await ErrorAsync(TestDigits.Body("hello, not a picture"u8.ToArray(), "image/png"), HttpStatusCode.BadRequest);
        Assert.Contains("not a recognised image", error);
    }

    [Fact]
    public async Task Truncated_png_is_400()
    {
        var png = TestDigits.Png(TestDigits.Pixels());
        var error = await ErrorAsync(TestDigits.Body(png[..(png.Length / 2)], "image/png"), HttpStatusCode.BadRequest);
        Assert.Contains("image/png body", error);
    }

    [Fact]
    public async Task Raw_buffer_of_wrong_length_is_400_naming_both_lengths()
    {
        var error = await ErrorAsync(TestDigits.Body(new byte[100], "application/octet-stream"), HttpStatusCode.BadRequest);
        Assert.Contains("100 bytes", error);
        Assert.Contains("784", error);
    }

    [Fact]
    public async Task Unsupported_content_type_is_415_naming_it()
    {
        var error = await ErrorAsync(TestDigits.Body("{}"u8.ToArray(), "application/json"), HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("'application/json'", error);
    }

    [Fact]
    public async Task Missing_content_type_is_415()
    {
        var error = await ErrorAsync(TestDigits.Body(new byte[784], null), HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("missing Content-Type", error);
    }

    [Fact]
    public async Task Body_over_the_limit_is_413_naming_the_limit()
    {
        var error = await ErrorAsync(TestDigits.Body(new byte[TestApp.MaxRequestBytes + 1], "image/png"), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains(TestApp.MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), error);
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_is_413()
    {
        // No Content-Length: the server has to count while reading.
        var content = new StreamContent(new UnseekableStream(new byte[TestApp.MaxRequestBytes * 3]));
        content.Headers.ContentType = new("image/png");

        try
        {
            await ErrorAsync(content, HttpStatusCode.RequestEntityTooLarge);
        }
        catch (HttpRequestException e) when (e.InnerException is IOException)
        {
            // Kestrel answered 413 and closed the connection while the client was still sending the rest
            // (seen under load): the client then meets the closed socket before reading the answer. The
            // server did not buffer the body either way; it must still serve.
            using var health = await _client.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
    }

    [Fact]
    public async Task Absurd_image_size_is_400()
    {
        var error = await ErrorAsync(TestDigits.Body(PngHeader(100_000, 100_000), "image/png"), HttpStatusCode.BadRequest);
        Assert.Contains("100000", error);
    }

    [Fact]
    public async Task Invalid_invert_value_is_400()
    {
        var error = await ErrorAsync(TestDigits.Body(new byte[784], "application/octet-stream"), HttpStatusCode.BadRequest, "?invert=maybe");
        Assert.Contains("invert", error);
    }

    [Fact]
    public async Task Invalid_polarity_value_is_400_naming_the_choices()
    {
        var error = await ErrorAsync(TestDigits.Body(new byte[784], "application/octet-stream"), HttpStatusCode.BadRequest, "?polarity=upside-down");
        Assert.Contains("'polarity' must be one of auto, light-on-dark, dark-on-light", error);
    }

    /// <summary>PNG signature and an IHDR chunk announcing the size (CRC not checked before the size).</summary>
    private static byte[] PngHeader(int width, int height)
    {
        var bytes = new byte[33];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' }.CopyTo(bytes, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
        bytes[24] = 8;
        return bytes;
    }

    /// <summary>A stream whose length is unknown, so HttpClient sends it chunked.</summary>
    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
