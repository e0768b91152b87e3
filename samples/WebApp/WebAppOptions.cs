// The web app's settings, bound from the "WebApp" section of appsettings.json (or the command line,
// e.g. --WebApp:Port=8080, or the environment, e.g. WebApp__Port=8080).
using System.Net;
using MnistBn.Shared;

namespace MnistBn.WebApp;

public sealed class WebAppOptions
{
    public const string Section = "WebApp";

    /// <summary>Address Kestrel binds to. Loopback by default: exposing the app is a deliberate change.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (tests, load test).</summary>
    public int Port { get; set; } = 5080;

    /// <summary>Largest accepted request body. A 28×28 digit is 784 bytes raw or a few KB as PNG.</summary>
    public long MaxRequestBytes { get; set; } = 1024 * 1024;

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
        // Checked here, before any model loads: the classifier would refuse it too, but only as an
        // ArgumentException from deep inside the first model's load.
        if (!DeviceName.IsValid(Device))
            throw new InvalidOperationException($"{Section}:Device must be cpu | cuda | cuda:<id>, not '{Device}'");
        if (ShutdownDrainMilliseconds is < 0 or > 60_000)
            throw new InvalidOperationException($"{Section}:ShutdownDrainMilliseconds must be 0–60000, not {ShutdownDrainMilliseconds}");
        return address;
    }
}
