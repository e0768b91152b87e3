// The size a picture will decode to, read from its header alone, so that a request for a huge
// decode is refused before any pixel buffer exists. It asks the same decoder (SkiaSharp's SKCodec,
// which MnistBn.Inference decodes with) for the size, so the size checked is the size decoded: a
// hand-written PNG/JPEG/GIF/WebP header parser could disagree with the decoder on odd files.
using SkiaSharp;

namespace MnistBn.WebApp;

internal static class ImageHeader
{
    /// <summary>Width and height from the header; null when the decoder does not recognise the bytes (decoding then says why).</summary>
    public static (int Width, int Height)? Size(byte[] encoded)
    {
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data);
        return codec is null ? null : (codec.Info.Width, codec.Info.Height);
    }
}
