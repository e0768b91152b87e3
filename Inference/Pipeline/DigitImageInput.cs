// The ML.NET input row: one decoded image of any size. The pipeline resizes it to the contract's
// 28×28, so the column carries no fixed size.
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using MnistBn.Shared;

namespace MnistBn.Inference.Pipeline;

/// <summary>One image fed to the ML.NET pipeline. Each instance is consumed (disposed) by one prediction.</summary>
internal sealed class DigitImageInput
{
    /// <summary>The image column's name.</summary>
    public const string ColumnName = "image";

    /// <summary>The image, in any size; ML.NET's image transforms dispose it after use.</summary>
    // ML.NET needs a size to type the column; the resize step reads each image's real size.
    [ColumnName(ColumnName)]
    [ImageType(ModelContract.Height, ModelContract.Width)]
    public MLImage? Image { get; set; }
}
