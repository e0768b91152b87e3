// The eager model's predicted digit for every image of a split, to count where the exported model
// (through ML.NET) disagrees with the TorchSharp model it came from.
using MnistBn.Training.Data;
using MnistBn.Training.Model;
using static TorchSharp.torch;

namespace MnistBn.Training.Pipeline;

internal static class EagerPredictions
{
    private const int BatchSize = 1000;

    public static int[] Predict(LeNet model, MnistTensors data)
    {
        model.eval();
        using var noGrad = no_grad();
        var predictions = new int[data.Count];
        for (long start = 0; start < data.Count; start += BatchSize)
        {
            using var scope = NewDisposeScope();
            var size = Math.Min(BatchSize, data.Count - start);
            var batch = model.call(data.Images.narrow(0, start, size)).argmax(1).to_type(ScalarType.Int32);
            batch.data<int>().CopyTo(predictions.AsSpan((int)start, (int)size));
        }
        return predictions;
    }
}
