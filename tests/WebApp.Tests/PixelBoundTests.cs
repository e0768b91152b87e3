// POST /predict bounds the decoded size of a picture (WebApp:MaxImagePixels), read from the header
// before anything is decoded: a PNG whose header says 4096×4096 is a 413 naming the size and the
// setting even when its pixel data is garbage (so nothing was decoded), and a picture at the limit is
// scored.
using System.Buffers.Binary;
using System.Net;
using System.Text;
using System.Text.Json;
using SkiaSharp;

namespace MnistBn.WebApp.Tests;

public sealed class PixelBoundTests
{
    [Fact]
    public async Task Png_whose_header_says_4096x4096_is_413_before_decoding()
    {
        await using var app = await TestApp.StartAsync();
        using var response = await app.Client.PostAsync("/predict", TestDigits.Body(PngWithGarbageData(4096, 4096), "image/png"));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode}: {text}");
        Assert.Equal(
            "image/png body: image is 4096×4096 = 16,777,216 pixels, more than the 1,048,576 this server decodes (WebApp:MaxImagePixels); " +
            "send a smaller picture (the models see 28×28)",
            JsonDocument.Parse(text).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Same_garbage_png_within_the_bound_reaches_the_decoder_and_is_400()
    {
        // The control for the test above: the garbage data would have failed decoding, so a 413 means it was never decoded.
        await using var app = await TestApp.StartAsync();
        using var response = await app.Client.PostAsync("/predict", TestDigits.Body(PngWithGarbageData(64, 64), "image/png"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("truncated or corrupt", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Picture_at_the_pixel_limit_is_scored_and_one_row_more_is_413()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["WebApp:MaxImagePixels"] = (64 * 64).ToString() });

        using var atLimit = await app.Client.PostAsync("/predict", TestDigits.Body(BlackPng(64, 64), "image/png"));
        using var over = await app.Client.PostAsync("/predict", TestDigits.Body(BlackPng(64, 65), "image/png"));

        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);
        Assert.Contains("64×65 = 4,160 pixels, more than the 4,096", await over.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("WebApp:MaxImagePixels", "100", "MaxImagePixels must be 784–16777216, not 100")]
    [InlineData("WebApp:MaxConcurrentDecodes", "0", "MaxConcurrentDecodes must be 1–1024, not 0")]
    public async Task Out_of_range_bound_settings_stop_the_app_naming_the_setting(string key, string value, string message)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync(new Dictionary<string, string?> { [key] = value }));
        Assert.Contains(message, error.Message);
    }

    private static byte[] BlackPng(int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        bitmap.Erase(SKColors.Black);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A PNG with a valid header announcing width×height and an IDAT chunk that is not zlib data.</summary>
    private static byte[] PngWithGarbageData(int width, int height)
    {
        var png = new List<byte> { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // 8-bit gray
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", "not zlib data at all"u8.ToArray());
        Chunk(png, "IEND", []);
        return [.. png];
    }

    private static void Chunk(List<byte> png, string type, byte[] data)
    {
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        var number = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.AddRange(number);
        png.AddRange(typed);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typed));
        png.AddRange(number);
    }

    // PNG's CRC-32 (ISO 3309), bit by bit: a few bytes per test need no table.
    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
