// Refuses a model file before ML.NET sees it, with a message that names the file: ML.NET's own
// errors for a missing tensor or a wrong shape are generic and do not say which file was wrong.
using Microsoft.ML.OnnxRuntime;
using MnistBn.Shared;

namespace MnistBn.Inference.Pipeline;

/// <summary>Checks that an ONNX file exists, loads, and matches <see cref="ModelContract"/>.</summary>
internal static class OnnxModelCheck
{
    /// <summary>Opens a CPU session on the file, checks it against the contract and returns its class labels and metadata.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty, not ONNX, or breaks the contract.</exception>
    public static (IReadOnlyList<string> ClassLabels, IReadOnlyDictionary<string, string> Metadata) ValidateFile(string path)
    {
        using var session = OpenSession(path, options: null);
        var metadata = new Dictionary<string, string>(session.ModelMetadata.CustomMetadataMap, StringComparer.Ordinal);
        return (ClassLabels(session, Path.GetFullPath(path)), metadata);
    }

    /// <summary>
    /// The labels the exporter recorded (metadata <c>class_labels</c>, a JSON array, one per output), or
    /// the contract's ten digits for a model without them.
    /// </summary>
    private static IReadOnlyList<string> ClassLabels(InferenceSession session, string path)
    {
        if (!session.ModelMetadata.CustomMetadataMap.TryGetValue(ModelMetadataKeys.ClassLabels, out var json))
            return ModelContract.ClassLabels;
        string[]? labels;
        try
        {
            labels = System.Text.Json.JsonSerializer.Deserialize<string[]>(json);
        }
        catch (System.Text.Json.JsonException)
        {
            labels = null;
        }
        if (labels is null || labels.Length != ModelContract.ClassCount || labels.Any(string.IsNullOrEmpty) || labels.Distinct().Count() != labels.Length)
            throw new InvalidDataException(
                $"model file {path}: metadata '{ModelMetadataKeys.ClassLabels}' must be a JSON array of {ModelContract.ClassCount} distinct labels, not {json}");
        return labels;
    }

    /// <summary>Opens a session on a validated file (options default to the CPU).</summary>
    /// <inheritdoc cref="ValidateFile" path="/exception"/>
    public static InferenceSession OpenSession(string path, SessionOptions? options)
    {
        // A FIFO would block ONNX Runtime's read forever, /dev/zero would fill memory.
        var info = RegularFile.Check(path, RegularFile.MaxModelBytes, "an ONNX model file");
        if (info.Length == 0)
            throw new InvalidDataException($"model file {info.FullName} is empty (0 bytes)");
        InferenceSession session;
        try
        {
            session = options is null ? new InferenceSession(info.FullName) : new InferenceSession(info.FullName, options);
        }
        catch (OnnxRuntimeException error)
        {
            throw new InvalidDataException($"model file {info.FullName} is not a valid ONNX model: {error.Message}", error);
        }
        try
        {
            Validate(session, info.FullName);
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static void Validate(InferenceSession session, string path)
    {
        var problems = new List<string>();
        long[] input = [-1, ModelContract.Channels, ModelContract.Height, ModelContract.Width];
        long[] output = [-1, ModelContract.ClassCount];
        Check(session.InputMetadata, ModelContract.InputName, "input", input, problems);
        Check(session.OutputMetadata, ModelContract.LogitsName, "output", output, problems);
        Check(session.OutputMetadata, ModelContract.ProbabilitiesName, "output", output, problems);
        if (problems.Count > 0)
            throw new InvalidDataException($"model file {path} does not match the model contract: {string.Join("; ", problems)}");
        OutputProbe.Check(session, path);
    }

    // Dimension −1 in `expected` accepts any batch size (symbolic or fixed).
    private static void Check(IReadOnlyDictionary<string, NodeMetadata> tensors, string name, string kind, long[] expected, List<string> problems)
    {
        if (!tensors.TryGetValue(name, out var meta))
        {
            problems.Add($"no {kind} tensor named '{name}' (it has: {string.Join(", ", tensors.Keys.Select(k => $"'{k}'"))})");
            return;
        }
        if (!meta.IsTensor || meta.ElementType != typeof(float))
        {
            problems.Add($"{kind} '{name}' is {meta.ElementType.Name}, expected float");
            return;
        }
        var dims = meta.Dimensions;
        var matches = dims.Length == expected.Length
            && dims.Select((d, i) => expected[i] < 0 || d == expected[i]).All(ok => ok);
        if (!matches)
            problems.Add($"{kind} '{name}' has shape [{Shape(dims, meta.SymbolicDimensions)}], expected [N, {string.Join(", ", expected.Skip(1))}]");
    }

    private static string Shape(int[] dims, string[] symbols) =>
        string.Join(", ", dims.Select((d, i) => d >= 0 ? d.ToString() : (symbols.Length > i && symbols[i].Length > 0 ? symbols[i] : "?")));
}
