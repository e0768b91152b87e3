// The one error for "the configured device cannot be used and CPU fallback is not allowed".
namespace MnistBn.Inference;

/// <summary>The requested execution device (e.g. <c>cuda:0</c>) is not usable and fallback to the CPU is disallowed.</summary>
public sealed class DeviceUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
