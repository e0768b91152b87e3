// What the exported file says about itself: the per-sample input shape, the input name, class labels
// only when given, bn_folded, the caller's metadata and tensor names, and nothing MNIST-specific unless
// asked for (no dataset key, one output unless ProbabilitiesName is set).
using System.Text.Json;
using MnistBn.OnnxExport.Tests.Support;
using MnistBn.OnnxExport.TorchSharp;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests;

public sealed class MetadataTests
{
    private static nn.Module<Tensor, Tensor> Classifier() => Seeded.Trained(() => nn.Sequential(
        nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 3)));

    [Fact]
    public void Input_shape_is_written_per_sample_as_3x32x32()
    {
        var metadata = OnnxGraph.Metadata(Classifier().ToOnnxModel([3, 32, 32]));
        Assert.Equal("3x32x32", metadata["input_shape"]);
        Assert.Equal("input", metadata["input_name"]);
    }

    [Fact]
    public void Defaults_name_the_tensors_input_and_output_and_write_opset_13()
    {
        var model = Classifier().ToOnnxModel([3, 8, 8]);
        Assert.Equal("input", Assert.Single(model.Graph.Input).Name);
        Assert.Equal(["output"], OnnxGraph.OutputNames(model));
        Assert.Equal(13, model.OpsetImport.Single(o => o.Domain is "" or "ai.onnx").Version);
    }

    [Fact]
    public void Defaults_assume_no_data_set_no_class_labels_and_one_output()
    {
        var model = Classifier().ToOnnxModel([3, 8, 8]);
        var metadata = OnnxGraph.Metadata(model);
        Assert.DoesNotContain("dataset", metadata.Keys);
        Assert.DoesNotContain("class_labels", metadata.Keys);
        Assert.DoesNotContain(metadata.Values, v => v.Contains("mnist", StringComparison.OrdinalIgnoreCase));
        Assert.Single(model.Graph.Output);
    }

    [Fact]
    public void Class_labels_are_written_as_json_when_given()
    {
        var model = Classifier().ToOnnxModel([3, 8, 8], new OnnxExportOptions { ClassLabels = ["cat", "dog", "bird"] });
        Assert.Equal<string>(["cat", "dog", "bird"], JsonSerializer.Deserialize<string[]>(OnnxGraph.Metadata(model)["class_labels"])!);
    }

    [Fact]
    public void Opset_21_without_folding_with_probabilities_and_labels_runs_and_softmaxes_the_eager_output()
    {
        var module = Classifier();
        var options = new OnnxExportOptions { Opset = 21, FoldBatchNorm = false, ProbabilitiesName = "probabilities", ClassLabels = ["a", "b", "c"] };
        var model = module.ToOnnxModel([3, 8, 8], options);
        Assert.Equal(["output", "probabilities"], OnnxGraph.OutputNames(model));
        Assert.Equal(21, model.OpsetImport.Single(o => o.Domain is "" or "ai.onnx").Version);
        Assert.Equal("false", OnnxGraph.Metadata(model)["bn_folded"]);

        var (input, shape, logits, _) = EagerVsOnnx.Eager(module, [3, 8, 8]);
        var outputs = OnnxRun.Run(model, "input", input, shape);
        Assert.True(EagerVsOnnx.MaxAbsDiff(logits, outputs["output"].Values) <= EagerVsOnnx.Tolerance);
        using var expected = softmax(tensor(logits).reshape(EagerVsOnnx.Batch, 3), 1);
        Assert.True(EagerVsOnnx.MaxAbsDiff(expected.data<float>().ToArray(), outputs["probabilities"].Values) <= EagerVsOnnx.Tolerance);
    }

    [Fact]
    public void Custom_tensor_names_and_metadata_are_written_and_runnable()
    {
        var options = new OnnxExportOptions
        {
            InputName = "image",
            OutputName = "scores",
            Metadata = new Dictionary<string, string> { ["source"] = "unit test" },
        };
        var module = Classifier();
        var model = module.ToOnnxModel([3, 8, 8], options);
        Assert.Equal("unit test", OnnxGraph.Metadata(model)["source"]);
        Assert.Equal("image", OnnxGraph.Metadata(model)["input_name"]);
        var (input, shape, expected, _) = EagerVsOnnx.Eager(module, [3, 8, 8]);
        Assert.True(EagerVsOnnx.MaxAbsDiff(expected, OnnxRun.Run(model, "image", input, shape)["scores"].Values) <= EagerVsOnnx.Tolerance);
    }

    [Fact]
    public void Model_without_BatchNorm_writes_bn_folded_true()
    {
        var model = Seeded.Eval(() => nn.Linear(3, 2)).ToOnnxModel([3], new OnnxExportOptions { FoldBatchNorm = false });
        Assert.Equal("true", OnnxGraph.Metadata(model)["bn_folded"]);
    }

    [Fact]
    public void Graph_name_and_doc_string_of_a_root_Sequential_use_its_class_name_not_the_native_one()
    {
        var model = Classifier().ToOnnxModel([3, 8, 8]);
        Assert.Equal("Sequential", model.Graph.Name);
        Assert.DoesNotContain("::", model.DocString);
    }
}
