// The shape every training-mode BatchNorm autograd node shares, so that the BatchNorm module can run
// whichever one the network hands it (BatchNormFunction alone, or BatchNormPoolFunction fused with the
// pooling and ReLU that follow) and update its running statistics from what the node measured.
using static TorchSharp.torch;

namespace MnistBn.Training.Model.Autograd;

/// <summary>
/// Normalises <paramref name="input"/> with its batch statistics (scale <paramref name="gamma"/>, shift
/// <paramref name="beta"/>), recording the statistics in <paramref name="statistics"/>.
/// </summary>
internal delegate Tensor BatchNormTrainingNode(Tensor input, Tensor gamma, Tensor beta, double epsilon, BatchStatistics statistics);
