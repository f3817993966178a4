import Checkpoint
import Foundation
import Models
import Pruning
import Training

extension DistillationPipeline {
    /// The recipe's `prune` phase: the distilled student at `source` pruned by `CheckpointPruner`,
    /// heads ranked on the training data, recovery against the teacher, saved as
    /// `student-pruned.h5`. A resumed run reuses that file when it records the same pruning of
    /// the same student architecture.
    func pruneStudent(_ source: SavedModel, settings: PruningSettings, teacher: SavedModel, train: MultimodalDataset,
                      test: MultimodalDataset) throws -> (SavedModel, [EpochRecord]) {
        let url = output.appendingPathComponent("student-pruned.h5")
        var settings = settings
        settings.seed = recipe.seed &+ 20
        if resume, let (model, metadata) = try? CheckpointFile.loadModel(from: url),
           metadata.pruning?.records(settings, of: source.model.config) == true, let accuracy = metadata.metrics?["accuracy"] {
            progress.line("student-pruned: reusing \(url.path)")
            return (SavedModel(model: model, file: url, accuracy: accuracy, trained: false), [])
        }
        let outcome = try CheckpointPruner.run(
            input: source.file, output: url, settings: settings, calibration: train.named("data.train"), test: test.named("data.test"),
            teacher: settings.recovery == nil ? nil : .init(model: teacher.model, file: teacher.file, objective: objective,
                                                            seed: recipe.seed &+ 21, phase: "student-pruned"),
            provenance: provenance, progress: progress, replicas: replicas)
        let accuracy = outcome.record.accuracyRecovered ?? outcome.record.accuracyPruned!
        progress.line(String(format: "student-pruned: saved %@, test accuracy %.2f%% (%.2f%% before pruning)", url.path,
                             100 * accuracy, 100 * outcome.record.accuracyBefore!))
        return (SavedModel(model: outcome.pruned, file: url, accuracy: accuracy, trained: true), outcome.epochs)
    }
}
