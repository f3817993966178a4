import Checkpoint
import Foundation
import Models
import Pruning
import Recipes
import Training

extension DistillationPipeline {
    /// The recipe's `prune` section applied to the distilled student: heads ranked on the training
    /// data, recovery against the teacher, saved as `student-pruned.h5`. A resumed run reuses that
    /// file when it records the same pruning of the same student architecture.
    func pruneStudent(_ student: FusionModel, settings: PruneSection, teacher: FusionModel, train: MultimodalDataset,
                      test: MultimodalDataset) throws -> (DistillationReport.ModelSummary, [EpochRecord]) {
        let url = output.appendingPathComponent("student-pruned.h5")
        if resume, let (model, metadata) = try? CheckpointFile.loadModel(from: url), let done = metadata.pruning,
           done.originalConfig == student.config, done.heads == Double(settings.heads), done.headsMethod == settings.headsMethod,
           done.keepTokens == settings.keepTokens.map(Double.init), done.tokenScoring == (settings.keepTokens == nil ? nil : settings.tokenScoring),
           done.afterLayer == (settings.keepTokens == nil ? nil : settings.afterLayer), done.mlp == Double(settings.mlp), done.steps == settings.steps,
           done.recoverEpochs == settings.recoverEpochs, let accuracy = metadata.metrics?["accuracy"] {
            progress.line("student-pruned: reusing \(url.path)")
            return (.init(checkpoint: url.path, accuracy: accuracy, parameters: model.parameterCount, trained: false), [])
        }
        let options = PruningOptions(heads: Double(settings.heads), headMethod: PruningOptions.HeadMethod(rawValue: settings.headsMethod)!,
                                     keepTokens: settings.keepTokens.map(Double.init), afterLayer: settings.afterLayer,
                                     tokenScoring: VisionTokenKeep.Scoring(rawValue: settings.tokenScoring)!,
                                     mlp: Double(settings.mlp), steps: settings.steps, samples: settings.samples, seed: recipe.seed &+ 20)
        let pruner = Pruner(options: options, calibration: train, report: { self.progress.line("prune: \($0)") })
        let recovery = PruningRecovery(
            teacher: teacher, teacherFile: URL(fileURLWithPath: recipe.teacher.checkpoint), train: train,
            evaluate: { Evaluation.accuracy(of: $0, on: test) },
            settings: TrainingSettings(epochs: max(settings.recoverEpochs, 1), batchSize: recipe.distill.training.batchSize,
                                       learningRate: settings.learningRate, weightDecay: recipe.distill.training.weightDecay,
                                       warmupSteps: min(recipe.distill.training.warmupSteps, 50)),
            objective: objective, seed: recipe.seed &+ 21, progress: progress)

        var record = PruningRecord(originalConfig: student.config, heads: options.heads, headsMethod: settings.headsMethod,
                                   keepTokens: options.keepTokens, afterLayer: options.keepTokens == nil ? nil : options.afterLayer,
                                   mlp: options.mlp, steps: options.steps, calibration: "data.train", samples: min(options.samples, train.count),
                                   seed: options.seed, teacher: settings.recoverEpochs > 0 ? recipe.teacher.checkpoint : nil,
                                   recoverEpochs: settings.recoverEpochs)
        record.test = "data.test"
        record.tokenScoring = settings.keepTokens == nil ? nil : settings.tokenScoring
        record.accuracyBefore = Evaluation.accuracy(of: student, on: test)
        var records: [EpochRecord] = []
        let pruned = try pruner.run(student, original: student.config) { current, round in
            record.accuracyPruned = Evaluation.accuracy(of: current, on: test)
            if settings.recoverEpochs > 0 { records += try recovery.recover(current, phase: "student-pruned") }
        }
        let accuracy = Evaluation.accuracy(of: pruned, on: test)
        if settings.recoverEpochs > 0 { record.accuracyRecovered = accuracy }
        var metadata = metadata(pruned, accuracy: accuracy)
        metadata.pruning = record
        try CheckpointFile.write(model: pruned, metadata: metadata, to: url)
        progress.line(String(format: "student-pruned: saved %@, test accuracy %.2f%% (%.2f%% before pruning)", url.path,
                             100 * accuracy, 100 * record.accuracyBefore!))
        return (.init(checkpoint: url.path, accuracy: accuracy, parameters: pruned.parameterCount, trained: true), records)
    }
}
