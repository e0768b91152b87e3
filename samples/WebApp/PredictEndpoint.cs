// POST /predict: one digit picture in the body, every loaded model's prediction out, as JSON.
// Body forms, chosen by Content-Type:
//   image/png, image/jpeg (also bmp, gif, webp)  an encoded picture of any size
//   application/octet-stream                    raw 28×28 gray bytes, row-major (784 bytes)
// ?polarity=auto|light-on-dark|dark-on-light: which way round the digit is; auto (default) lets the
// library decide from the picture's border. ?invert=true is the older spelling of dark-on-light.
// Client mistakes are answered 4xx with {"error": "..."} naming the problem, never 500. Once the app
// is stopping, requests are answered 503 {"error": "shutting down"}: the client should retry elsewhere.
// Memory per request is bounded twice: the body by MaxRequestBytes, the decoded picture by
// MaxImagePixels (from its header, before decoding); MaxConcurrentDecodes bounds how many at once.
using Microsoft.AspNetCore.Http.Features;
using MnistBn.Inference;
using MnistBn.Shared;

namespace MnistBn.WebApp;

/// <summary>
/// One model's answer: the class index and its label, the probability; whether the picture was blank or its ink too
/// small to be a digit (either way the answer means nothing), and whether it was read as dark on light and inverted.
/// </summary>
public sealed record ModelPrediction(
    string Model, int Digit, string Label, float Confidence, bool Blank, bool TooSmall, bool Inverted, IReadOnlyList<float> Probabilities);

/// <summary>The response of POST /predict.</summary>
public sealed record PredictResponse(IReadOnlyList<ModelPrediction> Predictions);

/// <summary>The body of every error response.</summary>
public sealed record ErrorResponse(string Error);

public static class PredictEndpoint
{
    private const string RawContentType = "application/octet-stream";

    private static readonly string[] ImageContentTypes =
        ["image/png", "image/jpeg", "image/jpg", "image/bmp", "image/gif", "image/webp"];

    /// <summary>The message of the 503 answered once the app is stopping.</summary>
    public const string ShuttingDown = "shutting down";

    /// <param name="context">The request.</param>
    /// <param name="models">The loaded models.</param>
    /// <param name="options">The app's settings.</param>
    /// <param name="gate">Bounds the decodes in flight.</param>
    /// <param name="stopping">Cancelled when shutdown begins (ApplicationStopping).</param>
    public static async Task<IResult> HandleAsync(HttpContext context, DigitModels models, WebAppOptions options, DecodeGate gate, CancellationToken stopping)
    {
        if (stopping.IsCancellationRequested)
            return Error(StatusCodes.Status503ServiceUnavailable, ShuttingDown);
        var request = context.Request;
        var invert = false;
        if (request.Query.TryGetValue("invert", out var invertText) && !bool.TryParse(invertText, out invert))
            return Error(StatusCodes.Status400BadRequest, $"query parameter 'invert' must be true or false, not '{invertText}'");
        var polarity = invert ? DigitPolarity.DarkOnLight : DigitPolarity.Auto;
        if (request.Query.TryGetValue("polarity", out var polarityText) && !DigitPolarityNames.TryParse(polarityText.ToString(), out polarity))
            return Error(StatusCodes.Status400BadRequest, $"query parameter 'polarity' must be one of {string.Join(", ", DigitPolarityNames.All)}, not '{polarityText}'");

        var mediaType = MediaType(request.ContentType);
        var isRaw = mediaType == RawContentType;
        if (!isRaw && !ImageContentTypes.Contains(mediaType))
        {
            return Error(StatusCodes.Status415UnsupportedMediaType, mediaType.Length == 0
                ? $"missing Content-Type: send an image ({string.Join(", ", ImageContentTypes)}) or {RawContentType} with {ModelContract.PixelCount} raw gray bytes"
                : $"unsupported Content-Type '{mediaType}': send an image ({string.Join(", ", ImageContentTypes)}) or {RawContentType} with {ModelContract.PixelCount} raw gray bytes");
        }

        var (body, tooLarge, badRequest) = await ReadBodyAsync(context, options.MaxRequestBytes);
        if (tooLarge)
            return Error(StatusCodes.Status413PayloadTooLarge, $"request body larger than the limit of {options.MaxRequestBytes} bytes");
        if (badRequest is not null)
        {
            // A client's mistake (a body sent too slowly: Kestrel's MinRequestBodyDataRate, 408; or cut
            // short): one line, no stack trace, not an error of the server.
            Logger(context).LogInformation("POST /predict from {Client}: {Problem} (answered {Status})",
                context.Connection.RemoteIpAddress, badRequest.Message, badRequest.StatusCode);
            return Error(badRequest.StatusCode, badRequest.Message);
        }
        if (body.Length == 0)
            return Error(StatusCodes.Status400BadRequest, isRaw
                ? $"empty body: expected {ModelContract.PixelCount} raw gray bytes"
                : $"empty body: expected an encoded image ({mediaType})");

        if (!isRaw && ImageHeader.Size(body) is var (width, height) && (long)width * height > options.MaxImagePixels)
        {
            return Error(StatusCodes.Status413PayloadTooLarge,
                $"{mediaType} body: image is {width}×{height} = {(long)width * height:N0} pixels, more than the {options.MaxImagePixels:N0} " +
                $"this server decodes ({WebAppOptions.Section}:MaxImagePixels); send a smaller picture (the models see {ModelContract.Width}×{ModelContract.Height})");
        }

        IDisposable slot;
        try
        {
            slot = await gate.EnterAsync(context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty; // the client went away while it waited: nobody to answer
        }
        using var _ = slot;
        GrayImage image;
        try
        {
            image = isRaw
                ? GrayImage.FromRaw(body, "raw body")
                : GrayImage.Decode(body, $"{mediaType} body", polarity);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            return Error(StatusCodes.Status400BadRequest, e.Message);
        }

        var predictions = models.PredictAll(image, polarity);
        return predictions is null
            ? Error(StatusCodes.Status503ServiceUnavailable, ShuttingDown)
            : Results.Ok(new PredictResponse(predictions));
    }

    public static IResult Error(int status, string message) => Results.Json(new ErrorResponse(message), statusCode: status);

    private static string MediaType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
            return "";
        var semicolon = contentType.IndexOf(';');
        return (semicolon < 0 ? contentType : contentType[..semicolon]).Trim().ToLowerInvariant();
    }

    /// <summary>
    /// Reads the body up to <paramref name="limit"/> bytes. The declared Content-Length is checked
    /// first; a chunked body is counted as it arrives, so a client cannot make the server buffer more.
    /// Kestrel's refusals while reading (a body too slow, or cut short) come back as BadRequest.
    /// </summary>
    private static async Task<(byte[] Body, bool TooLarge, BadHttpRequestException? BadRequest)> ReadBodyAsync(HttpContext context, long limit)
    {
        var request = context.Request;
        if (request.ContentLength > limit)
            return ([], true, null);
        // Kestrel's own limit stays above ours so that our check answers first, with a JSON message.
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
            sizeFeature.MaxRequestBodySize = limit + 1;

        using var buffer = new MemoryStream((int)Math.Min(request.ContentLength ?? 4096, Array.MaxLength));
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > limit)
                    return ([], true, null);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ([], true, null);
        }
        catch (BadHttpRequestException e)
        {
            return ([], false, e);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            // The connection dropped mid-body: the client's doing, answered (if anyone listens) like Kestrel's own refusals.
            return ([], false, new BadHttpRequestException($"the connection closed before the body was complete ({e.Message})", StatusCodes.Status400BadRequest));
        }
        return (buffer.ToArray(), false, null);
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PredictEndpoint).FullName!);
}
