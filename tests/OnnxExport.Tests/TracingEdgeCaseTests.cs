// The trace in the cases a simple hook-per-module recorder gets wrong: in-place modules (the value a
// later reader sees is not the one an earlier reader saw), one module called twice, a result a forward
// computes and drops, a submodule called through forward() instead of call(), an empty Sequential used
// as an identity shortcut, and what an export leaves behind (no hooks, torch's random state as it was).
using MnistBn.OnnxExport.Tests.Support;
using MnistBn.OnnxExport.TorchSharp;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests;

public sealed class TracingEdgeCaseTests
{
    [Theory, ExportSettings]
    public void In_place_ReLU_between_layers_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(() => nn.Sequential(
            nn.ReLU(inplace: true), nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(inplace: true), nn.Conv2d(4, 2, 3))), [3, 8, 8], opset, fold);

    [Theory, ExportSettings]
    public void Residual_whose_body_starts_with_an_in_place_ReLU_matches_eager_or_is_refused(int opset, bool fold)
    {
        // Eagerly the in-place ReLU overwrites x before the skip path adds it: y = body(x) + relu(x).
        var model = Seeded.Eval(() => new Residual(nn.Sequential(nn.ReLU(inplace: true), nn.Conv2d(3, 3, 3, padding: 1))));
        var refused = Record.Exception(() => model.ToOnnxModel([3, 6, 6]));
        if (refused is null)
            EagerVsOnnx.AssertMatches(model, [3, 6, 6], opset, fold);
        else
            Assert.IsType<InvalidOperationException>(refused);
    }

    [Theory, ExportSettings]
    public void Residual_with_an_empty_Sequential_as_identity_shortcut_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(() => new Residual(Networks.Body(3, 3, stride: 1), nn.Sequential())), [3, 6, 6], opset, fold);

    [Theory, ExportSettings]
    public void Residual_whose_body_is_a_pass_through_module_doubles_the_input(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => new Residual(nn.Dropout(0.5))), [3, 4], opset, fold);

    [Theory, ExportSettings]
    public void Same_module_called_twice_matches_eager_within_1e5(int opset, bool fold)
    {
        var model = Seeded.Eval(() =>
        {
            var conv = nn.Conv2d(4, 4, 3, padding: 1);
            return nn.Sequential(conv, nn.ReLU(), conv);
        });
        EagerVsOnnx.AssertMatches(model, [4, 6, 6], opset, fold);
    }

    [Theory, ExportSettings]
    public void Submodule_result_the_forward_drops_is_left_out_and_the_rest_matches_eager(int opset, bool fold)
    {
        var model = Seeded.Eval(() => new DropsOneResult());
        Assert.Single(OnnxGraph.Nodes(model.ToOnnxModel([3, 6, 6]), "Conv"));
        EagerVsOnnx.AssertMatches(model, [3, 6, 6], opset, fold);
    }

    [Theory, ExportSettings]
    public void Same_conv_called_twice_with_a_BatchNorm_after_the_first_call_only_matches_eager_within_1e5(int opset, bool fold)
    {
        var model = Seeded.Trained(() =>
        {
            var conv = nn.Conv2d(4, 4, 3, padding: 1);
            return nn.Sequential(conv, nn.BatchNorm2d(4), nn.ReLU(), conv);
        });
        EagerVsOnnx.AssertMatches(model, [4, 6, 6], opset, fold);
    }

    [Fact]
    public void Submodule_called_through_forward_instead_of_call_is_refused_naming_the_module()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Seeded.Eval(() => new CallsForwardDirectly()).ToOnnxModel([3, 6, 6]));
        Assert.Contains(nameof(CallsForwardDirectly), error.Message);
    }

    [Fact]
    public void A_refused_export_leaves_the_module_runnable_and_exportable_without_its_hooks()
    {
        var bad = Seeded.Eval(() => nn.Sequential(("conv", nn.Conv2d(1, 2, 3)), ("up", nn.Upsample(scale_factor: [2.0, 2.0]))));
        Assert.Throws<NotSupportedException>(() => bad.ToOnnxModel([1, 5, 5]));
        var conv = (nn.Module<Tensor, Tensor>)bad.named_children().Single(c => c.name == "conv").module;
        using (no_grad())
            bad.call(randn(2, 1, 5, 5)).Dispose();
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Sequential(conv, nn.ReLU())), [1, 5, 5], 13, true);
    }

    [Fact]
    public void Export_leaves_torchs_random_state_as_it_was()
    {
        var model = Seeded.Trained(Networks.ConcatNet);
        manual_seed(5);
        model.ToOnnxModel(Networks.ConcatNetInput);
        var after = randn(8).data<float>().ToArray();
        manual_seed(5);
        Assert.Equal(randn(8).data<float>().ToArray(), after);
    }

    private sealed class DropsOneResult : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> unused = nn.Conv2d(3, 5, 1), used = nn.Conv2d(3, 2, 3);

        public DropsOneResult() : base(nameof(DropsOneResult)) => RegisterComponents();

        public override Tensor forward(Tensor input)
        {
            unused.call(input).Dispose();
            return used.call(input);
        }
    }

    private sealed class CallsForwardDirectly : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> first = nn.Conv2d(3, 4, 3), second = nn.ReLU();

        public CallsForwardDirectly() : base(nameof(CallsForwardDirectly)) => RegisterComponents();

        public override Tensor forward(Tensor input) => second.call(first.forward(input));
    }
}
