// Runs an ONNX model (as ModelProto bytes or a file) in ONNX Runtime on one float input and returns
// every output by name with its shape.
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace MnistBn.OnnxExport.Tests.Support;

internal sealed record OnnxOutput(float[] Values, long[] Shape);

internal static class OnnxRun
{
    public static IReadOnlyDictionary<string, OnnxOutput> Run(ModelProto model, string inputName, float[] input, long[] shape)
    {
        using var session = new InferenceSession(model.ToByteArray());
        return Run(session, inputName, input, shape);
    }

    public static IReadOnlyDictionary<string, OnnxOutput> Run(string path, string inputName, float[] input, long[] shape)
    {
        using var session = new InferenceSession(path);
        return Run(session, inputName, input, shape);
    }

    private static Dictionary<string, OnnxOutput> Run(InferenceSession session, string inputName, float[] input, long[] shape)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        var names = session.OutputNames.ToArray();
        using var outputs = session.Run(runOptions, [inputName], [value], names);
        var result = new Dictionary<string, OnnxOutput>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
            result[names[i]] = new OnnxOutput(outputs[i].GetTensorDataAsSpan<float>().ToArray(), outputs[i].GetTensorTypeAndShape().Shape);
        return result;
    }
}
