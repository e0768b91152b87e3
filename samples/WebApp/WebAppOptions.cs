// The web app's settings, bound from the "WebApp" section of appsettings.json (or the command line,
// e.g. --WebApp:Port=8080, or the environment, e.g. WebApp__Port=8080).
using System.Net;
using MnistBn.Shared;

namespace MnistBn.WebApp;

public sealed class WebAppOptions
{
    public const string Section = "WebApp";

    /// <summary>The most pixels MnistBn.Inference decodes (4096×4096), the ceiling of <see cref="MaxImagePixels"/>.</summary>
    public const long MaxDecodablePixels = 16L * 1024 * 1024;

    /// <summary>Address Kestrel binds to. Loopback by default: exposing the app is a deliberate change.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (tests, load test).</summary>
    public int Port { get; set; } = 5080;

    /// <summary>Largest accepted request body. A 28×28 digit is 784 bytes raw or a few KB as PNG.</summary>
    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Largest picture decoded, in pixels (width × height, read from the image's header before decoding).
    /// A digit needs 28×28; 1024×1024 leaves room for any photo of one, while a 4096×4096 PNG (a few KB to
    /// send) would cost ~80 MB to decode, and forty of them at once gigabytes.
    /// </summary>
    public long MaxImagePixels { get; set; } = 1024 * 1024;

    /// <summary>
    /// How many pictures are decoded and scored at once; later requests wait their turn. Scoring is CPU
    /// work, so more at once than cores gains nothing and multiplies the memory held by decoded pictures.
    /// </summary>
    public int MaxConcurrentDecodes { get; set; } = Environment.ProcessorCount;

    /// <summary><c>cpu</c>, <c>cuda</c> or <c>cuda:&lt;id&gt;</c> (CUDA needs the GPU flavour of ONNX Runtime).</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>
    /// How long, once shutdown begins, the app keeps listening while it answers /readyz and /predict with
    /// 503 — time for a load balancer to see "stopping" and send traffic elsewhere before the port closes.
    /// </summary>
    public int ShutdownDrainMilliseconds { get; set; } = 200;

    /// <summary>
    /// Model name → ONNX file. Relative paths resolve from the repository root (the folder holding
    /// pipeline.yaml, searched upwards from the current and the app's folder), else from the app's folder.
    /// </summary>
    public Dictionary<string, string> Models { get; set; } = [];

    /// <summary>Checks every setting that can be checked without loading anything, and returns the bind address.</summary>
    /// <exception cref="InvalidOperationException">A setting is out of range; the message names it and its value.</exception>
    public IPAddress Validate()
    {
        if (!IPAddress.TryParse(Host, out var address))
            throw new InvalidOperationException($"{Section}:Host must be an IP address, not '{Host}'");
        if (Port is < 0 or > 65535)
            throw new InvalidOperationException($"{Section}:Port must be 0–65535, not {Port}");
        if (MaxRequestBytes <= 0)
            throw new InvalidOperationException($"{Section}:MaxRequestBytes must be positive, not {MaxRequestBytes}");
        // The library decodes at most 16 Mpixel (MnistBn.Inference's own bound); a larger setting would be a promise it breaks.
        if (MaxImagePixels is < ModelContract.PixelCount or > MaxDecodablePixels)
            throw new InvalidOperationException($"{Section}:MaxImagePixels must be {ModelContract.PixelCount}–{MaxDecodablePixels}, not {MaxImagePixels}");
        if (MaxConcurrentDecodes is < 1 or > 1024)
            throw new InvalidOperationException($"{Section}:MaxConcurrentDecodes must be 1–1024, not {MaxConcurrentDecodes}");
        // Checked here, before any model loads: the classifier would refuse it too, but only as an
        // ArgumentException from deep inside the first model's load.
        if (!DeviceName.IsValid(Device))
            throw new InvalidOperationException($"{Section}:Device must be cpu | cuda | cuda:<id>, not '{Device}'");
        if (ShutdownDrainMilliseconds is < 0 or > 60_000)
            throw new InvalidOperationException($"{Section}:ShutdownDrainMilliseconds must be 0–60000, not {ShutdownDrainMilliseconds}");
        return address;
    }
}
