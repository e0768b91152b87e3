// Writes the image files the tests feed in: PNGs of real MNIST digits (gray and colour, any size)
// and deliberately broken files (truncated, text, absurd header sizes). Linked into the classifier's
// tests (Inference.Tests) and the folder evaluation's (Training.Tests).
using System.Buffers.Binary;
using MnistBn.Shared;
using SkiaSharp;

namespace MnistBn.TestFixtures;

internal static class TestImages
{
    /// <summary>Encodes gray pixels as a grayscale PNG.</summary>
    public static byte[] GrayPng(ReadOnlySpan<byte> pixels, int width = ModelContract.Width, int height = ModelContract.Height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        var packed = new byte[bitmap.RowBytes * height];
        for (var y = 0; y < height; y++)
            pixels.Slice(y * width, width).CopyTo(packed.AsSpan(y * bitmap.RowBytes));
        System.Runtime.InteropServices.Marshal.Copy(packed, 0, bitmap.GetPixels(), packed.Length);
        return Encode(bitmap);
    }

    /// <summary>Encodes gray pixels as an RGBA colour PNG whose channels are tinted but carry the gray value in luma.</summary>
    public static byte[] ColourPng(ReadOnlySpan<byte> pixels, int width = ModelContract.Width, int height = ModelContract.Height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var v = pixels[y * width + x];
                bitmap.SetPixel(x, y, new SKColor(v, v, (byte)(v / 2)));
            }
        }
        return Encode(bitmap);
    }

    /// <summary>Each pixel repeated into a factor×factor block.</summary>
    public static byte[] Upscale(ReadOnlySpan<byte> pixels, int factor)
    {
        var side = ModelContract.Width * factor;
        var result = new byte[side * side];
        for (var y = 0; y < side; y++)
            for (var x = 0; x < side; x++)
                result[y * side + x] = pixels[y / factor * ModelContract.Width + x / factor];
        return result;
    }

    /// <summary>255 − each pixel.</summary>
    public static byte[] Invert(ReadOnlySpan<byte> pixels)
    {
        var result = new byte[pixels.Length];
        for (var i = 0; i < pixels.Length; i++)
            result[i] = (byte)(255 - pixels[i]);
        return result;
    }

    /// <summary>A well-formed PNG signature and IHDR chunk (correct CRC) announcing the given size, with no image data.</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 0; // gray
        var chunk = new List<byte>();
        chunk.AddRange(BigEndian(13));
        var typed = "IHDR"u8.ToArray().Concat(ihdr).ToArray();
        chunk.AddRange(typed);
        chunk.AddRange(BigEndian((int)Crc32(typed)));
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. chunk];
    }

    private static byte[] BigEndian(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    private static byte[] Encode(SKBitmap bitmap)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
