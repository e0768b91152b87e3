// Runs an exported model through ONNX Runtime (the same runtime the inference side uses) and returns
// both outputs as flat float arrays, row-major [N, 10].
using Microsoft.ML.OnnxRuntime;
using MnistBn.Shared;

namespace MnistBn.TestFixtures;

internal sealed record OnnxOutputs(float[] Logits, float[] Probabilities);

internal sealed class OnnxRunner : IDisposable
{
    private readonly InferenceSession _session;

    public OnnxRunner(byte[] model) => _session = new InferenceSession(model);

    public OnnxRunner(string path) => _session = new InferenceSession(path);

    public IReadOnlyDictionary<string, string> CustomMetadata => _session.ModelMetadata.CustomMetadataMap;

    public OnnxOutputs Run(float[] pixels, int batch)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, ModelContract.InputShape(batch));
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions,
            [ModelContract.InputName], [input],
            [ModelContract.LogitsName, ModelContract.ProbabilitiesName]);
        return new OnnxOutputs(outputs[0].GetTensorDataAsSpan<float>().ToArray(), outputs[1].GetTensorDataAsSpan<float>().ToArray());
    }

    public void Dispose() => _session.Dispose();
}
