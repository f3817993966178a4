import ArgumentParser
import Checkpoint
import Foundation
import Logging
import Models
import Pruning
import Recipes
import Training

/// `condenser prune`: structured pruning of heads, MLP units and vision tokens, with optional
/// distillation recovery; writes a smaller checkpoint.
struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove attention heads, MLP units and vision tokens from a model (physically: the result is smaller and faster).")

    @Argument(help: "Checkpoint to prune (.h5).")
    var checkpoint: String
    @Option(help: "Labelled calibration data (.h5): ranks heads; also the recovery training set.")
    var data: String
    @Option(help: "Calibration samples used to rank heads.")
    var samples = 512
    @Option(help: "Samples per gradient when ranking heads (1: the per-sample expectation).")
    var calibrationBatchSize = 1
    @Option(help: "Fraction of all attention heads to remove, in [0, 1).")
    var heads = 0.0
    @Option(help: "How heads are ranked: importance (gradient of the loss w.r.t. head gates) or random.")
    var headsMethod = "importance"
    @Option(help: "Fraction of vision patches to keep after --after-layer, in (0, 1].")
    var keepTokens: Double?
    @Option(help: "Vision layers that still see every patch before token pruning (0 only with --token-scoring text).")
    var afterLayer = 1
    @Option(help: "How patches are ranked: attention (received in layer --after-layer) or text (the question's attention in a light fusion pass).")
    var tokenScoring = "attention"
    @Option(help: "Fraction of each MLP's hidden units to remove, in [0, 1).")
    var mlp = 0.0
    @Option(help: "Pruning rounds, with recovery after each.")
    var steps = 1
    @Option(help: "Teacher checkpoint for distillation recovery.")
    var teacher: String?
    @Option(help: "Recovery epochs after each round (needs --teacher).")
    var recoverEpochs = 0
    @Option(help: "Recovery peak learning rate.")
    var recoverLr: Float = 5e-4
    @Option(help: "Recovery batch size.")
    var recoverBatchSize = 64
    @Option(help: "Labelled test data (.h5): accuracy before pruning, after pruning and after recovery.")
    var test: String?
    @Option(help: "Seed of the random head ranking and of recovery.")
    var seed: UInt64 = 0
    @Option(help: "Output checkpoint (default: <name>-pruned.h5 beside the input).")
    var out: String?
    @Flag(help: "Replace an existing file at the output path (never one of the inputs).")
    var overwrite = false
    @OptionGroup var runtime: RuntimeOptions

    var options: PruningOptions {
        PruningOptions(heads: heads, headMethod: PruningOptions.HeadMethod(rawValue: headsMethod) ?? .importance, keepTokens: keepTokens,
                       afterLayer: afterLayer, tokenScoring: VisionTokenKeep.Scoring(rawValue: tokenScoring) ?? .attention, mlp: mlp, steps: steps, samples: samples, calibrationBatchSize: calibrationBatchSize, seed: seed)
    }

    func validate() throws {
        guard PruningOptions.HeadMethod(rawValue: headsMethod) != nil else {
            throw ValidationError("--heads-method must be importance or random, got '\(headsMethod)'")
        }
        guard VisionTokenKeep.Scoring(rawValue: tokenScoring) != nil else {
            throw ValidationError("--token-scoring must be attention or text, got '\(tokenScoring)'")
        }
        do { try options.validate() } catch { throw ValidationError(error.description) }
        guard options.removesAnything else { throw ValidationError("nothing to prune: give --heads, --keep-tokens or --mlp") }
        guard recoverEpochs >= 0 else { throw ValidationError("--recover-epochs must be >= 0, got \(recoverEpochs)") }
        guard (teacher == nil) == (recoverEpochs == 0) else {
            throw ValidationError("recovery needs both --teacher and --recover-epochs >= 1")
        }
        guard recoverLr > 0, recoverLr.isFinite else { throw ValidationError("--recover-lr must be > 0, got \(recoverLr)") }
        guard recoverBatchSize >= 1 else { throw ValidationError("--recover-batch-size must be >= 1, got \(recoverBatchSize)") }
    }

    /// `<dir>/<name>-pruned.h5` beside the input.
    var outputURL: URL {
        if let out { return URL(fileURLWithPath: out) }
        let input = URL(fileURLWithPath: checkpoint)
        return input.deletingLastPathComponent().appendingPathComponent(input.deletingPathExtension().lastPathComponent + "-pruned.h5")
    }

    func run() throws {
        let logger = Logger(label: "condenser.prune")
        runtime.apply(logger: logger)
        let progress = ProgressReporter()
        try checkOutput(outputURL, inputs: [checkpoint, data] + [teacher, test].compactMap { $0 }, overwrite: overwrite)
        let (model, metadata) = try CheckpointFile.loadModel(from: URL(fileURLWithPath: checkpoint))
        guard metadata.precision == .float32 else {
            // Head importance needs gradients, which the int8 path does not give.
            throw CommandError("\(checkpoint): is an int8 checkpoint; prune its float32 source, then quantize the pruned model")
        }
        let original = metadata.pruning?.originalConfig ?? metadata.config
        let calibration = try MultimodalDataset.read(from: URL(fileURLWithPath: data))
        let pruner = Pruner(options: options, calibration: calibration, report: progress.line)
        try pruner.check(model.config, original: original)

        let testData = try test.map { path in
            let set = try MultimodalDataset.read(from: URL(fileURLWithPath: path))
            guard set.labels != nil else { throw CommandError("\(path): has no /labels dataset, so accuracy cannot be computed") }
            try set.validate(against: model.config)
            return set
        }
        func accuracy(_ model: FusionModel) -> Double? {
            testData.map { Evaluation.accuracy(of: model, on: $0) }
        }
        let recovery = try teacher.map { path in
            let teacherURL = URL(fileURLWithPath: path)
            let (teacherModel, _) = try CheckpointFile.loadModel(from: teacherURL)
            let recovery = PruningRecovery(
                teacher: teacherModel, teacherFile: teacherURL, train: calibration,
                evaluate: { accuracy($0) ?? Evaluation.accuracy(of: $0, on: calibration) },
                settings: TrainingSettings(epochs: recoverEpochs, batchSize: recoverBatchSize, learningRate: recoverLr,
                                           weightDecay: 0.05, warmupSteps: 50),
                objective: PruningRecovery.defaultObjective, seed: seed, progress: progress)
            try recovery.check(student: model.config)
            return recovery
        }

        var record = PruningRecord(originalConfig: original, heads: heads, headsMethod: headsMethod, keepTokens: keepTokens,
                                   afterLayer: keepTokens == nil ? nil : afterLayer, mlp: mlp, steps: steps, calibration: data,
                                   samples: min(samples, calibration.count), seed: seed, teacher: teacher, recoverEpochs: recoverEpochs)
        record.test = test
        record.tokenScoring = keepTokens == nil ? nil : tokenScoring
        record.accuracyBefore = accuracy(model)
        if let before = record.accuracyBefore { progress.line(String(format: "before: accuracy %.2f%%", 100 * before)) }
        let pruned = try pruner.run(model, original: original) { current, round in
            record.accuracyPruned = accuracy(current)
            if let value = record.accuracyPruned { progress.line(String(format: "round %d: accuracy %.2f%% before recovery", round, 100 * value)) }
            if let recovery { _ = try recovery.recover(current, phase: "recover \(round)/\(steps)") }
        }
        if recovery != nil { record.accuracyRecovered = accuracy(pruned) }

        let final = record.accuracyRecovered ?? record.accuracyPruned
        let output = outputURL
        try CheckpointFile.write(model: pruned, metadata: CheckpointMetadata(
            config: pruned.config, provenance: Provenance(command: commandLine, source: checkpoint, toolVersion: Condenser.version),
            metrics: final.map { ["accuracy": $0] }, pruning: record), to: output)

        let (before, after) = (model.config, pruned.config)
        print("wrote \(output.path)")
        print("  parameters  \(model.parameterCount.formatted()) → \(pruned.parameterCount.formatted())")
        print("  FLOPs       \(before.forwardFLOPs().formatted()) → \(after.forwardFLOPs().formatted()) per sample"
              + String(format: " (%.2f× fewer)", Double(before.forwardFLOPs()) / Double(after.forwardFLOPs())))
        print("  structure   \(Pruner.describe(after))")
        for (label, value) in [("before", record.accuracyBefore), ("pruned", record.accuracyPruned), ("recovered", record.accuracyRecovered)] {
            if let value { print(String(format: "  accuracy    %@ %.2f%%", label, 100 * value)) }
        }
    }
}
