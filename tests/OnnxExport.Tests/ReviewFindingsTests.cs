// Cases a review of the tracer and the folding found: consecutive conv/linear + BatchNorm pairs that
// fold into each other's inputs, a custom block that opens its own dispose scope (the usual TorchSharp
// pattern), an aliasing branch changed in place by a later branch, forward hooks of the user's own,
// and a module whose name is also a tensor name of the written model.
using MnistBn.OnnxExport.Tests.Support;
using MnistBn.OnnxExport.TorchSharp;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests;

public sealed class ReviewFindingsTests
{
    [Theory, ExportSettings]
    public void Back_to_back_conv_BatchNorm_pairs_fold_and_match_eager_within_1e5(int opset, bool fold)
    {
        var model = Seeded.Trained(() => nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Conv2d(4, 4, 3), nn.BatchNorm2d(4)));
        EagerVsOnnx.AssertMatches(model, [3, 8, 8], opset, fold);
        Assert.Equal(fold ? 0 : 2, OnnxGraph.Count(model.ToOnnxModel([3, 8, 8], EagerVsOnnx.Options(opset, fold)), "BatchNormalization"));
    }

    [Theory, ExportSettings]
    public void Linear_BatchNorm_Dropout_Linear_BatchNorm_folds_and_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(() => nn.Sequential(
            nn.Linear(6, 8), nn.BatchNorm1d(8), nn.Dropout(0.3), nn.Linear(8, 5), nn.BatchNorm1d(5))), [6], opset, fold);

    [Theory, ExportSettings]
    public void Custom_block_with_its_own_dispose_scope_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(() => nn.Sequential(new ScopedBlock(), nn.Flatten(), nn.Linear(4 * 6 * 6, 3))), [3, 8, 8], opset, fold);

    [Fact]
    public void Concat_whose_later_branch_changes_an_earlier_alias_in_place_is_refused()
    {
        var model = Seeded.Eval(() => new Concat(nn.Identity(), nn.Sequential(nn.ReLU(inplace: true), nn.Conv2d(3, 2, 1))));

        var error = Assert.Throws<InvalidOperationException>(() => model.ToOnnxModel([3, 4, 4]));

        Assert.Contains("part 0 of Concat", error.Message);
        Assert.Contains("changed in place", error.Message);
    }

    [Fact]
    public void Module_with_a_forward_hook_of_its_own_is_refused_naming_it()
    {
        var model = Seeded.Eval(() => nn.Sequential(nn.Conv2d(3, 2, 3), nn.ReLU()));
        var conv = (nn.Module<Tensor, Tensor>)model.named_children().First().module;
        var hook = conv.register_forward_hook((m, input, output) => output.clamp(-1, 1));

        var error = Assert.Throws<InvalidOperationException>(() => model.ToOnnxModel([3, 6, 6]));

        Assert.StartsWith("0: the module has forward hooks of its own", error.Message);
        hook.remove();
        Assert.Equal(1, OnnxGraph.Count(model.ToOnnxModel([3, 6, 6]), "Conv"));
    }

    [Theory, ExportSettings]
    public void Module_named_like_the_output_tensor_exports_and_matches_eager_within_1e5(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Sequential(
            ("output", nn.Linear(6, 4)), ("input", nn.ReLU()), ("softmax", nn.Linear(4, 3)))), [6], opset, fold);

    // conv → relu inside a dispose scope of its own, the result moved out: TorchSharp's idiom for a block.
    private sealed class ScopedBlock : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> conv = nn.Conv2d(3, 4, 3);
        private readonly nn.Module<Tensor, Tensor> norm = nn.BatchNorm2d(4);
        private readonly nn.Module<Tensor, Tensor> act = nn.ReLU();

        public ScopedBlock() : base(nameof(ScopedBlock)) => RegisterComponents();

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            return act.call(norm.call(conv.call(input))).MoveToOuterDisposeScope();
        }
    }
}
