// The TorchSharp module of any NetworkDescription (Shared/Network): one submodule per conv, linear and
// BatchNorm layer, registered under the layer's name (so the state_dict keys are conv1.weight,
// bn1.running_mean, … as the description names them), created in layer order with PyTorch's default
// initialisation (seed torch.manual_seed first). What each layer computes, and which runs of layers are
// fused, is decided in KernelChoice.cs. Forward returns logits.
using MnistBn.Network.Description;
using MnistBn.Training.DataParallel;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistBn.Training.Model;

/// <summary>A classifier whose hidden pre-activations can be read for one input batch.</summary>
public interface IPreActivationProbe
{
    /// <summary>Number of hidden layers (each ending in an activation).</summary>
    int HiddenLayerCount { get; }

    /// <summary>Units (channels for conv layers) of the 1-based hidden layer <paramref name="layer"/>.</summary>
    long HiddenUnits(int layer);

    /// <summary>
    /// The input to hidden layer <paramref name="layer"/>'s activation function, as [N, units] or
    /// [N, channels, H, W] — after a BatchNorm placed before the activation, before one placed after it.
    /// </summary>
    Tensor PreActivation(Tensor input, int layer);
}

/// <summary>A sequential network built from its description; returns logits.</summary>
public sealed class NetworkModule : nn.Module<Tensor, Tensor>, IPreActivationProbe
{
    private readonly LayerOp[] _layers; // one op per described layer (PreActivation reads between them)
    private readonly LayerOp[] _plan;   // what forward runs: the layer ops, with fused runs for the fast kernels

    /// <summary>Creates the modules of <paramref name="description"/>, to run on <paramref name="kernels"/>.</summary>
    public NetworkModule(NetworkDescription description, KernelChoice kernels = KernelChoice.Fast) : base(description.Name)
    {
        Description = description;
        Kernels = kernels;
        var batchNorms = new List<BatchNorm>();
        var modules = new nn.Module<Tensor, Tensor>?[description.Layers.Count];
        _layers = new LayerOp[description.Layers.Count];
        for (var i = 0; i < _layers.Length; i++)
        {
            var layer = description.Layers[i];
            var module = modules[i] = LayerModules.Create(layer, description.InputShapeOf(i).Count, kernels);
            if (module is not null)
                register_module(layer.Name, module);
            if (module is BatchNorm norm)
                batchNorms.Add(norm);
            _layers[i] = kernels.Op(layer, module);
        }
        BatchNorms = batchNorms;
        _plan = kernels.Plan(description, modules);
    }

    /// <summary>The network this module implements.</summary>
    public NetworkDescription Description { get; }

    /// <summary>The implementation the layers run on.</summary>
    public KernelChoice Kernels { get; }

    /// <summary>The BatchNorm layers in network order (empty without BatchNorm).</summary>
    public IReadOnlyList<BatchNorm> BatchNorms { get; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => Forward(input, BatchStatisticsReducer.WholeBatch);

    /// <summary>The logits of <paramref name="input"/>; training-mode BatchNorm sums its statistics through <paramref name="reducer"/>.</summary>
    public Tensor Forward(Tensor input, BatchStatisticsReducer reducer)
    {
        var x = input;
        foreach (var op in _plan)
            x = op.Run(x, reducer);
        return x;
    }

    /// <summary>
    /// The same network as a plain nn.Sequential of modules named as the layers (conv1, bn1, relu1, …): the
    /// conv, linear and BatchNorm modules are this module's own (shared, not copied), the parameterless
    /// layers are TorchSharp's nn.ReLU, nn.Sigmoid, nn.MaxPool2d and nn.Flatten. It computes what this
    /// module computes in eval mode; ONNX export traces it like any user's Sequential.
    /// </summary>
    public nn.Module<Tensor, Tensor> ExportView()
    {
        var children = named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);
        var modules = Description.Layers.Select(layer => (layer.Name, layer switch
        {
            ActivationLayer { Function: ActivationFunction.Relu } => nn.ReLU(),
            ActivationLayer { Function: ActivationFunction.Sigmoid } => nn.Sigmoid(),
            MaxPoolLayer p => nn.MaxPool2d(p.Kernel, p.Stride),
            FlattenLayer => nn.Flatten(),
            _ => (nn.Module<Tensor, Tensor>)children[layer.Name],
        })).ToArray();
        var view = nn.Sequential(modules);
        view.train(training);
        return view;
    }

    /// <inheritdoc/>
    public int HiddenLayerCount => Description.HiddenActivations.Count;

    /// <inheritdoc/>
    public long HiddenUnits(int layer) => Description.InputShapeOf(Description.IndexOf(HiddenActivation(layer)))[0];

    /// <inheritdoc/>
    public Tensor PreActivation(Tensor input, int layer)
    {
        var activation = Description.IndexOf(HiddenActivation(layer));
        using var scope = NewDisposeScope();
        var x = input;
        for (var i = 0; i < activation; i++)
            x = _layers[i].Run(x, BatchStatisticsReducer.WholeBatch);
        return (ReferenceEquals(x, input) ? x.alias() : x).MoveToOuterDisposeScope();
    }

    private ActivationLayer HiddenActivation(int layer)
    {
        var activations = Description.HiddenActivations;
        if (layer < 1 || layer > activations.Count)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"{Description.Name} has hidden layers 1–{activations.Count}");
        return activations[layer - 1];
    }
}
