// The pipeline's ExtractPixels scaling is the model contract's, for plain and inverted images: the
// step both the classifier and the batch path rely on (their scores against plain ONNX Runtime are
// pinned in Training.Tests' OnnxEvaluation/PipelineEquivalenceTests, next to the direct scorer).
using MnistBn.Shared;

namespace MnistBn.Inference.Tests;

public sealed class PixelScalingTests
{
    [Fact]
    public void Pixel_scaling_matches_the_contract_plain_and_inverted()
    {
        var (offset, scale) = Pipeline.DigitPipeline.PixelScaling(invert: false);
        var (invOffset, invScale) = Pipeline.DigitPipeline.PixelScaling(invert: true);
        for (var p = 0; p <= 255; p++)
        {
            Assert.Equal(ModelContract.ScalePixel((byte)p), (p - offset) * scale);
            Assert.Equal(ModelContract.ScalePixel((byte)(255 - p)), (p - invOffset) * invScale);
        }
    }
}
