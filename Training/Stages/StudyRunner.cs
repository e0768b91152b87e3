// The whole study as stages: fetch MNIST → per variant: train → export (BN folded) → evaluate the
// exported file through the ML.NET pipeline (and count disagreements with the eager model) → report.
// Each stage is skipped when its stamp shows the same inputs (config values, data hashes, the stage's
// code version) and its outputs still verify; `force` redoes everything. An interrupted training
// stage resumes from its last checkpoint. A cancellation (Ctrl-C) stops between batches or between
// stages: every stage that finished has written its outputs and stamp, and the next run goes on from there.
using System.Diagnostics;
using MnistBn.Training.OnnxEvaluation;
using MnistBn.Inference;
using MnistBn.Shared;
using MnistBn.Shared.Configuration;
using MnistBn.Shared.Data;
using MnistBn.Shared.IO;
using MnistBn.Training.Export;
using MnistBn.Training.Loop;
using MnistBn.Training.Report;

namespace MnistBn.Training.Stages;

internal sealed class StudyRunner(PipelineConfig config, string root, bool force, Action<string> log)
{
    // Bump a stage's version when its code changes what it produces, so old stamps go stale.
    private const string TrainStage = "train-v4"; // v2: BN and pooling as autograd functions, lr decay; v3: C# kernels, SinglePassAdam; v4: batches split over threads, conv2 backward in C#
    private const string ExportStage = "export-v2"; // v2: the general exporter of Shared/Network (doc string, folding through BatchNormAffine)
    private const string EvaluateStage = "evaluate-v2"; // v2: metrics.json records the model path relative to the repository
    private const int GridImages = 100;

    private readonly StudyPaths _paths = new(config, root);

    /// <summary>Runs every stage; <paramref name="withProgress"/> wraps each training run with a progress display.</summary>
    public async Task<StudyReport> RunAsync(string command, Action<Action<ITrainingProgress>> withProgress, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        // Before anything slow: a second study or training into the same run directories, another command
        // writing models/ or reports/ (e.g. `report`, which would render the previous study over this one),
        // or an output directory that cannot be written, fails now rather than after minutes of training.
        using var runLocks = DirectoryLock.AcquireAll(config.Model.Variants.Select(_paths.VariantRunsLock));
        WritableDirectory.Ensure(_paths.ModelsDirectory, "export.directory");
        WritableDirectory.Ensure(_paths.ReportDirectory, "report.directory");
        using var outputLocks = DirectoryLock.AcquireAll([_paths.ModelsLock, _paths.ReportLock]);
        using var session = await TrainingSession.OpenAsync(config, root, log, cancel);
        var test = session.TestImages;
        var trainer = new Trainer(config, session.Train, session.Test, log);
        var dataHash = StageStamp.HashInputs([.. config.Data.Files.All.Select(f => f.Sha256)]);

        var variants = new List<VariantReport>();
        foreach (var variant in config.Model.Variants)
        {
            cancel.ThrowIfCancellationRequested();
            Train(trainer, variant, dataHash, withProgress, cancel);
            cancel.ThrowIfCancellationRequested();
            Export(variant);
            cancel.ThrowIfCancellationRequested();
            var evaluation = Evaluate(variant, session, test, dataHash);
            variants.Add(ToReport(variant, evaluation));
        }
        cancel.ThrowIfCancellationRequested();

        var report = new StudyReport(DateTimeOffset.UtcNow, command, PipelineConfigJson.Hash(config), PipelineConfigJson.Serialize(config),
            MachineInfoReader.Read(trainer.Threads), variants, clock.Elapsed.TotalSeconds);
        var markdown = ReportWriter.Write(report, _paths.ReportDirectory, root);
        log($"report: {markdown}");
        return report;
    }

    private void Train(Trainer trainer, string variant, string dataHash, Action<Action<ITrainingProgress>> withProgress, CancellationToken cancel)
    {
        // The checkpoint carries the data set's name and labels into the exported metadata, so renaming
        // them retrains; MNIST's defaults add nothing, so existing stamps of the study stay valid.
        string[] dataset = config.Data.IsStudyDataset ? [] : [config.Data.Name, .. config.Data.ClassLabels];
        var inputs = StageStamp.HashInputs([TrainStage, variant, dataHash,
            PipelineConfigJson.SerializeSection(new { config.Model.BatchNorm, config.Training }), .. dataset]);
        var stamp = _paths.Stamp(variant, "train");
        if (!force && StageStamp.IsFresh(stamp, inputs))
        {
            log($"{variant}: training is up to date ({_paths.Checkpoint(variant)})");
            return;
        }
        var checkpoint = _paths.Checkpoint(variant);
        var resume = false;
        if (!force && File.Exists(checkpoint))
        {
            var blockers = Trainer.ResumeBlockers(Loop.Checkpoint.ReadHeader(checkpoint).Config, config);
            resume = blockers.Count == 0;
            if (!resume)
                log($"{variant}: the checkpoint was trained with other settings ({string.Join(", ", blockers)}); training from scratch");
        }
        withProgress(progress => trainer.Run(variant, _paths.RunsDirectory, resume, progress, cancel).Model.Dispose());
        StageStamp.Write(stamp, "train", inputs, [checkpoint, _paths.TrainingHistory(variant)]);
    }

    private void Export(string variant)
    {
        var checkpoint = _paths.Checkpoint(variant);
        var inputs = StageStamp.HashInputs(ExportStage, variant, Sha256File.Compute(checkpoint), PipelineConfigJson.SerializeSection(config.Export));
        var stamp = _paths.Stamp(variant, "export");
        if (!force && StageStamp.IsFresh(stamp, inputs))
        {
            log($"{variant}: export is up to date ({_paths.Model(variant)})");
            return;
        }
        var (_, written) = TrainedModelExporter.ExportCheckpoint(checkpoint, config, root);
        AtomicFile.WriteAllBytes(_paths.PublishedHistory(variant), BoundedFile.ReadAllBytes(_paths.TrainingHistory(variant), ReadLimits.JsonBytes, "a training history (JSON)"), "training history");
        foreach (var path in written)
            log($"{variant}: exported {path}");
        StageStamp.Write(stamp, "export", inputs, [.. written, _paths.PublishedHistory(variant)]);
    }

    private VariantEvaluation Evaluate(string variant, TrainingSession session, LabeledImages test, string dataHash)
    {
        var model = _paths.Model(variant);
        var checkpoint = _paths.Checkpoint(variant);
        var inputs = StageStamp.HashInputs(EvaluateStage, variant, dataHash, Sha256File.Compute(model), Sha256File.Compute(checkpoint),
            config.Training.TestSubset.ToString(System.Globalization.CultureInfo.InvariantCulture), PipelineConfigJson.SerializeSection(config.Evaluation));
        var stamp = _paths.Stamp(variant, "evaluate");
        var metricsPath = _paths.Metrics(variant);
        if (!force && StageStamp.IsFresh(stamp, inputs))
        {
            log($"{variant}: evaluation is up to date ({metricsPath})");
            return VariantEvaluation.Load(metricsPath);
        }

        var (eagerModel, _) = Loop.Checkpoint.LoadModel(checkpoint);
        var eagerPredicted = new int[session.Test.Count];
        TestMetrics eager;
        using (eagerModel)
        {
            var (loss, accuracy) = ClassifierEvaluation.Evaluate(eagerModel, session.Test.Images, session.Test.Labels, eagerPredicted);
            eager = new TestMetrics(loss, accuracy, (int)session.Test.Count);
        }

        var clock = Stopwatch.StartNew();
        using var evaluator = ModelEvaluator.Create(model, ClassifierOptionsFromConfig.For(config.Evaluation, log));
        var scores = evaluator.Score(test);
        var metrics = EvaluationMetrics.Compute(test.Labels, scores);
        log($"{variant}: scored {test.Count:N0} test images through ML.NET in {clock.Elapsed.TotalSeconds:F2} s");
        var disagreements = Enumerable.Range(0, test.Count).Where(i => scores.PredictedClass(i) != eagerPredicted[i]).ToList();

        var grid = _paths.MisclassifiedGrid(variant);
        MisclassifiedGrid.Write(grid, metrics.Misclassified.Select(m => new GrayImage(test.Columns, test.Rows, test.Image(m.Index).ToArray())),
            columns: 10, maxImages: GridImages);
        var evaluation = new VariantEvaluation(variant, RepositoryPaths.Portable(root, model), eager, metrics, disagreements.Count, disagreements);
        evaluation.Save(metricsPath);
        StageStamp.Write(stamp, "evaluate", inputs, [metricsPath, grid]);
        return evaluation;
    }

    private VariantReport ToReport(string variant, VariantEvaluation evaluation)
    {
        var history = TrainingHistory.Load(_paths.TrainingHistory(variant));
        var m = evaluation.OnnxMlNet;
        return new VariantReport(
            variant,
            history.Epochs.Sum(e => e.TrainSeconds + e.EvalSeconds),
            [.. history.Epochs.Select(e => new EpochReport(e.Epoch, e.TrainLoss, e.TrainAccuracy, e.TestLoss, e.TestAccuracy, e.TrainSeconds + e.EvalSeconds))],
            evaluation.Eager,
            new TestMetrics(m.MeanCrossEntropy, m.Accuracy, m.Count),
            evaluation.Disagreements,
            m.Confusion,
            [.. m.Classes.Select(c => new ClassReport(c.Digit, c.Precision, c.Recall, c.Support))],
            RepositoryPaths.Portable(root, evaluation.Model), // also rebases a record written before v2 of the stage
            RepositoryPaths.Portable(root, _paths.MisclassifiedGrid(variant)),
            [.. m.Misclassified.Take(GridImages).Select(x => new MisclassifiedReport(x.Index, x.TrueLabel, x.Predicted))]);
    }
}
