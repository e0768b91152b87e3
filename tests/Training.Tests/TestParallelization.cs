// TorchSharp keeps process-wide state that many of these tests rely on: the global random generator
// (torch.manual_seed before building a model) and the intra-op thread count. Test classes running at
// the same time drew from the generator between another test's seed and its model, so two models that
// were meant to start from the same weights did not (a split-batch test failed now and then in the
// full run). The tests of this assembly therefore run one at a time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
