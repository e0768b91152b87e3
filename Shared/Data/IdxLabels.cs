// The contents of one IDX label file (magic 0x00000801): one byte per item.
namespace MnistBn.Shared.Data;

/// <summary>Labels read from an IDX file by <see cref="IdxReader.ReadLabels"/>.</summary>
/// <param name="Path">The file the labels came from (for error messages further on).</param>
/// <param name="Labels">One byte per item, in file order.</param>
public sealed record IdxLabels(string Path, byte[] Labels)
{
    /// <summary>Number of labels.</summary>
    public int Count => Labels.Length;
}
