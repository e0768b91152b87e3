namespace MnistBn.Shared.Configuration;

/// <summary>pipeline.yaml (or an override) is malformed; the message names the file, key path and line.</summary>
public sealed class ConfigException(string message) : Exception(message);
