// The exporter sees a custom module's forward only through the submodules it calls. A forward that
// computes anything else (a functional op between submodules, an in-place change, adding two
// submodule outputs itself) would be exported wrong, so it is refused, naming the module; a forward
// that only chains its submodules is exported. What the trace cannot tell on its example batch (an
// in-place clamp that changes nothing there, a branch on the input's values) the second trace and the
// replay on a second input refuse (GraphReplay); the replay's value check itself is pinned directly.
using MnistBn.OnnxExport.Tests.Support;
using MnistBn.OnnxExport.TorchSharp;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests;

public sealed class InvisibleComputationRefusalTests
{
    [Fact]
    public void Functional_relu_between_two_submodules_is_refused_naming_the_module()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Seeded.Eval(() => new FunctionalReluBetween()).ToOnnxModel([3, 8, 8]));
        Assert.Contains(nameof(FunctionalReluBetween), error.Message);
    }

    [Fact]
    public void Forward_that_adds_two_submodule_outputs_itself_is_refused_naming_the_module()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Seeded.Eval(() => new SumOfTwoBranches()).ToOnnxModel([3, 8, 8]));
        Assert.Contains(nameof(SumOfTwoBranches), error.Message);
    }

    [Fact]
    public void In_place_add_between_two_submodules_is_refused_naming_the_module()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Seeded.Eval(() => new InPlaceAddBetween()).ToOnnxModel([3, 8, 8]));
        Assert.Contains(nameof(InPlaceAddBetween), error.Message);
    }

    [Fact]
    public void Output_scaled_after_the_last_submodule_is_refused_naming_the_module()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Seeded.Eval(() => new ScaledOutput()).ToOnnxModel([3, 8, 8]));
        Assert.Contains(nameof(ScaledOutput), error.Message);
    }

    [Fact]
    public void Refused_custom_module_nested_in_a_Sequential_is_named_by_its_path()
    {
        var model = Seeded.Eval(() => nn.Sequential(("stem", nn.Conv2d(3, 3, 1)), ("block", new FunctionalReluBetween())));
        var error = Assert.Throws<InvalidOperationException>(() => model.ToOnnxModel([3, 8, 8]));
        Assert.Contains("block", error.Message);
    }

    [Fact]
    public void In_place_clamp_that_leaves_the_example_unchanged_is_refused_on_the_second_input_naming_the_module()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Seeded.Eval(() => new ClampBetween()).ToOnnxModel([8]));
        Assert.Contains("changed in place after 'first' produced it", error.Message);
        Assert.Contains(nameof(ClampBetween), error.Message);
    }

    [Fact]
    public void Branch_on_the_input_values_is_refused_naming_both_paths()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Seeded.Eval(() => new BranchOnValues()).ToOnnxModel([8]));
        Assert.StartsWith($"Cannot export {nameof(BranchOnValues)}: its forward takes another path on a second input (step 1: 'small (Linear)' on the example batch, 'large (Linear)' on the second)", error.Message);
    }

    [Fact]
    public void Replay_refuses_a_graph_that_computes_something_else_than_the_module()
    {
        var traced = Seeded.Eval(() => nn.Sequential(nn.Linear(8, 4), nn.ReLU(), nn.Linear(4, 2)));
        var other = Seeded.Eval(() => nn.Sequential(nn.Linear(8, 4), nn.ReLU(), nn.Linear(4, 2)));
        using (no_grad())
            other.parameters().First().add_(0.5);
        var graph = traced.ToExportGraph([8]);

        var input = rand(2, 8) * 4;
        var error = Assert.Throws<InvalidOperationException>(() => GraphReplay.RequireSameAsEager(other.call(input), graph, input, "other"));
        Assert.StartsWith("Cannot export other: the traced graph does not compute what its forward computes on a second input (max |module − graph| = ", error.Message);
        GraphReplay.RequireSameAsEager(traced.call(input), graph, input, "traced");
    }

    [Theory, ExportSettings]
    public void In_place_first_layer_changes_the_input_and_still_exports(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Eval(() => nn.Sequential(nn.LeakyReLU(0.1, inplace: true), nn.Linear(8, 2))), [8], opset, fold);

    [Fact]
    public void Nothing_is_written_when_the_replay_refuses()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "clamp.onnx");
        Assert.Throws<InvalidOperationException>(() => Seeded.Eval(() => new ClampBetween()).ExportOnnx(path, [8]));
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    [Theory, ExportSettings]
    public void Custom_module_that_only_chains_its_submodules_is_exported_and_matches_eager(int opset, bool fold) =>
        EagerVsOnnx.AssertMatches(Seeded.Trained(() => new ChainOnly()), [3, 8, 8], opset, fold);

    private sealed class FunctionalReluBetween : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> first = nn.Conv2d(3, 4, 3), second = nn.Conv2d(4, 2, 3);

        public FunctionalReluBetween() : base(nameof(FunctionalReluBetween)) => RegisterComponents();

        public override Tensor forward(Tensor input) => second.call(first.call(input).relu());
    }

    private sealed class SumOfTwoBranches : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> a = nn.Conv2d(3, 4, 3, padding: 1), b = nn.Conv2d(3, 4, 1);

        public SumOfTwoBranches() : base(nameof(SumOfTwoBranches)) => RegisterComponents();

        public override Tensor forward(Tensor input) => a.call(input) + b.call(input);
    }

    private sealed class InPlaceAddBetween : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> first = nn.Conv2d(3, 4, 3), second = nn.Conv2d(4, 2, 3);

        public InPlaceAddBetween() : base(nameof(InPlaceAddBetween)) => RegisterComponents();

        public override Tensor forward(Tensor input)
        {
            var hidden = first.call(input);
            hidden.add_(1);
            return second.call(hidden);
        }
    }

    // An identity ×5 layer: the trace's example (|x| ≤ 1) stays within ±5, so the clamp changes nothing there;
    // the replay's input (|x| ≤ 4) reaches ±20, where it does.
    private sealed class ClampBetween : nn.Module<Tensor, Tensor>
    {
        private readonly global::TorchSharp.Modules.Linear first = nn.Linear(8, 8, hasBias: false), second = nn.Linear(8, 2);

        public ClampBetween() : base(nameof(ClampBetween))
        {
            RegisterComponents();
            using var noGrad = no_grad();
            first.weight!.copy_(eye(8) * 5);
        }

        public override Tensor forward(Tensor input)
        {
            var hidden = first.call(input);
            hidden.clamp_(-10, 10);
            return second.call(hidden);
        }
    }

    // The trace's example never exceeds 1, so it records the small branch only.
    private sealed class BranchOnValues : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> small = nn.Linear(8, 2), large = nn.Linear(8, 2);

        public BranchOnValues() : base(nameof(BranchOnValues)) => RegisterComponents();

        public override Tensor forward(Tensor input) => input.abs().max().item<float>() > 2 ? large.call(input) : small.call(input);
    }

    private sealed class ScaledOutput : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> conv = nn.Conv2d(3, 4, 3);

        public ScaledOutput() : base(nameof(ScaledOutput)) => RegisterComponents();

        public override Tensor forward(Tensor input) => conv.call(input) * 2;
    }

    private sealed class ChainOnly : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> conv = nn.Conv2d(3, 4, 3), norm = nn.BatchNorm2d(4), act = nn.ReLU(), pool = nn.MaxPool2d(2);

        public ChainOnly() : base(nameof(ChainOnly)) => RegisterComponents();

        public override Tensor forward(Tensor input) => pool.call(act.call(norm.call(conv.call(input))));
    }
}
