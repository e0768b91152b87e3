// Small constructors for the ONNX protobuf messages (OnnxSharp's generated classes), so the graph
// builder reads as a list of layers rather than as protobuf plumbing.
using Google.Protobuf;
using Onnx;

namespace MnistBn.OnnxExport.Onnx;

internal static class OnnxProtoBuilder
{
    public static TensorProto FloatTensor(string name, float[] values, params long[] dims)
    {
        var expected = dims.Aggregate(1L, (a, b) => a * b);
        if (expected != values.Length)
            throw new InvalidDataException($"ONNX initializer {name}: {values.Length} values for shape [{string.Join(", ", dims)}]");
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        // raw_data is little-endian by the ONNX spec; this machine (x64/arm64) is little-endian too.
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        tensor.RawData = ByteString.CopyFrom(bytes);
        return tensor;
    }

    public static NodeProto Node(string opType, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>A float tensor value whose first dimension is the symbolic batch.</summary>
    public static ValueInfoProto BatchedFloat(string name, string batchDimension, params long[] rest)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batchDimension });
        foreach (var size in rest)
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = size });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }
}
