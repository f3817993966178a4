import Checkpoint
import Distillation
import Evaluation
import Foundation
import Models
import Training

/// `condenser prune` and the recipe's prune phase: a float32 checkpoint in, a pruned checkpoint
/// out, written atomically. Everything is checked before any work, and nothing is written when
/// anything is wrong.
public enum CheckpointPruner {
    /// The teacher that recovery distils from after each round (`settings.recovery` says how long and how fast).
    public struct Teacher {
        public var model: FusionModel
        /// Its checkpoint; the teacher-output cache lives beside it.
        public var file: URL
        public var objective: DistillationObjective
        /// Seeds recovery's initial projections and data order.
        public var seed: UInt64
        /// Recovery's phase in progress lines and epoch records; nil: `recover <round>/<steps>`.
        public var phase: String?

        public init(model: FusionModel, file: URL, objective: DistillationObjective = PruningRecovery.defaultObjective,
                    seed: UInt64, phase: String? = nil) {
            self.model = model; self.file = file; self.objective = objective; self.seed = seed; self.phase = phase
        }
    }

    /// What a run made and measured.
    public struct Outcome {
        /// The model as read from the input, and the pruned one as written.
        public var source: FusionModel
        public var pruned: FusionModel
        /// As recorded in the output's metadata, accuracies included.
        public var record: PruningRecord
        /// Recovery's epochs, in order.
        public var epochs: [EpochRecord]
    }

    /// Prunes the checkpoint at `input` as `settings` say, ranking heads on `calibration`. With a
    /// `teacher` and `settings.recovery`, distils the student back after each round on
    /// `calibration`. Accuracies before, after pruning and after recovery are measured on `test`.
    /// `metrics` of the output are its final accuracy, when there is `test` data. With `replicas`,
    /// each prunes the same way, recovery is data-parallel, and rank 0 alone writes `output`.
    public static func run(input: URL, output: URL, settings: PruningSettings, calibration: MultimodalDataset,
                           test: MultimodalDataset?, teacher: Teacher?, provenance: Provenance,
                           progress: ProgressReporter, replicas: ReplicaGroup? = nil) throws -> Outcome {
        let (model, metadata) = try CheckpointFile.loadModel(from: input)
        guard metadata.precision == .float32 else {
            // Head importance needs gradients, which the int8 path does not give.
            throw PruningError.unusableData(file: input.path, reason: "is an int8 checkpoint; prune its float32 source, "
                                            + "then quantize the pruned model")
        }
        let original = metadata.pruning?.originalConfig ?? metadata.config
        let pruner = Pruner(settings: settings, calibration: calibration, report: progress.line)
        try pruner.check(model.config, original: original)
        if let test {
            guard test.labels != nil else {
                throw PruningError.unusableData(file: test.source, reason: "has no /labels dataset, so accuracy cannot be computed")
            }
            try test.validate(against: model.config)
        }
        guard (teacher == nil) == (settings.recovery == nil) else {
            throw PruningError.invalidSetting(SettingError("recover_epochs", "recovery needs both a teacher and recover_epochs >= 1"))
        }
        func accuracy(_ model: FusionModel) -> Double? { test.map { Evaluation.accuracy(of: model, on: $0) } }
        let recovery = try teacher.map { teacher in
            let recovery = PruningRecovery(
                teacher: teacher.model, teacherFile: teacher.file, train: calibration,
                evaluate: { accuracy($0) ?? Evaluation.accuracy(of: $0, on: calibration) },
                settings: settings.recovery!, objective: teacher.objective, seed: teacher.seed, progress: progress, replicas: replicas)
            try recovery.check(student: model.config)
            return recovery
        }

        var record = PruningRecord(settings: settings, original: original, calibration: calibration,
                                   test: test?.source, teacher: teacher?.file.path)
        record.accuracyBefore = accuracy(model)
        if let before = record.accuracyBefore { progress.line(String(format: "before: accuracy %.2f%%", 100 * before)) }
        var epochs: [EpochRecord] = []
        let pruned = try pruner.run(model, original: original) { current, round in
            record.accuracyPruned = accuracy(current)
            if let value = record.accuracyPruned {
                progress.line(String(format: "round %d: accuracy %.2f%% before recovery", round, 100 * value))
            }
            if let recovery {
                epochs += try recovery.recover(current, phase: teacher?.phase ?? "recover \(round)/\(settings.steps)")
            }
        }
        if recovery != nil { record.accuracyRecovered = accuracy(pruned) }

        let final = record.accuracyRecovered ?? record.accuracyPruned
        try writeOnRankZero(output, replicas: replicas) { () throws(CheckpointError) in
            try CheckpointFile.write(model: pruned, metadata: CheckpointMetadata(
                config: pruned.config, provenance: provenance, metrics: final.map { ["accuracy": $0] }, pruning: record), to: output)
        }
        return Outcome(source: model, pruned: pruned, record: record, epochs: epochs)
    }

    /// `<name>-pruned.h5` beside `input`.
    public static func defaultOutput(for input: URL) -> URL {
        input.deletingLastPathComponent().appendingPathComponent(input.deletingPathExtension().lastPathComponent + "-pruned.h5")
    }
}

extension PruningRecord {
    /// The record of pruning `original` as `settings` say, accuracies still unmeasured.
    init(settings: PruningSettings, original: ModelConfig, calibration: MultimodalDataset, test: String?, teacher: String?) {
        let tokens = settings.keepTokens != nil
        self.init(originalConfig: original, heads: settings.heads, headsMethod: settings.headMethod.rawValue,
                  keepTokens: settings.keepTokens, afterLayer: tokens ? settings.afterLayer : nil, mlp: settings.mlp,
                  steps: settings.steps, calibration: calibration.source, samples: min(settings.samples, calibration.count),
                  seed: settings.seed, teacher: teacher, recoverEpochs: settings.recovery?.epochs ?? 0)
        self.test = test
        self.tokenScoring = tokens ? settings.tokenScoring.rawValue : nil
    }

    /// Whether this record's pruning is the one `settings` ask of `original`: a resumed run may reuse its output.
    public func records(_ settings: PruningSettings, of original: ModelConfig) -> Bool {
        let tokens = settings.keepTokens != nil
        return originalConfig == original && heads == settings.heads && headsMethod == settings.headMethod.rawValue
            && keepTokens == settings.keepTokens && tokenScoring == (tokens ? settings.tokenScoring.rawValue : nil)
            && afterLayer == (tokens ? settings.afterLayer : nil) && mlp == settings.mlp && steps == settings.steps
            && recoverEpochs == (settings.recovery?.epochs ?? 0)
    }
}
