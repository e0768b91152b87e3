namespace MnistBn.Shared;

/// <summary>Parses the evaluation device: <c>cpu</c>, <c>cuda</c> or <c>cuda:&lt;id&gt;</c>.</summary>
public static class DeviceName
{
    /// <summary>Whether <paramref name="device"/> is a device name this project understands.</summary>
    public static bool IsValid(string device) => TryParseCuda(device, out _) || device == "cpu";

    /// <summary>True for <c>cuda</c> (id 0) and <c>cuda:&lt;id&gt;</c>.</summary>
    public static bool TryParseCuda(string device, out int deviceId)
    {
        deviceId = 0;
        if (device == "cuda")
            return true;
        return device.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(device.AsSpan(5), out deviceId) && deviceId >= 0;
    }
}
