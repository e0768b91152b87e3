// Random inputs of the model contract's shape for the regression tests (the MNIST half of OutputComparison).
namespace MnistBn.TestFixtures;

internal static partial class OutputComparison
{
    public static float[] RandomPixels(int seed, int batch)
    {
        var random = new Random(seed);
        var values = new float[batch * MnistBn.Shared.ModelContract.PixelCount];
        for (var i = 0; i < values.Length; i++)
            values[i] = random.NextSingle();
        return values;
    }
}
