import ArgumentParser
import Checkpoint
import Foundation
import Logging
import Models
import Pruning
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
    var headsMethod = PruningSettings.HeadMethod.importance
    @Option(help: "Fraction of vision patches to keep after --after-layer, in (0, 1].")
    var keepTokens: Double?
    @Option(help: "Vision layers that still see every patch before token pruning (0 only with --token-scoring text).")
    var afterLayer = 1
    @Option(help: """
        How patches are ranked: attention (received in layer --after-layer) or \
        text (the question's attention in a light fusion pass).
        """)
    var tokenScoring = VisionTokenKeep.Scoring.attention
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

    /// Recovery's settings are named after the recipe's keys in errors; these flags are spelt otherwise.
    static let flags = ["lr": "--recover-lr"]

    var settings: PruningSettings {
        PruningSettings(heads: heads, headMethod: headsMethod, keepTokens: keepTokens, afterLayer: afterLayer,
                        tokenScoring: tokenScoring, mlp: mlp, steps: steps, samples: samples,
                        calibrationBatchSize: calibrationBatchSize, seed: seed,
                        recovery: recoverEpochs == 0 ? nil : TrainingSettings(
                            epochs: recoverEpochs, batchSize: recoverBatchSize, learningRate: recoverLr,
                            weightDecay: 0.05, warmupSteps: 50))
    }

    func validate() throws {
        try validateSettings(flags: Self.flags) { () throws(SettingError) in
            try SettingError.check("recover_epochs", recoverEpochs, atLeast: 0)
            try settings.validate()
        }
        guard (teacher == nil) == (recoverEpochs == 0) else {
            throw ValidationError("recovery needs both --teacher and --recover-epochs >= 1")
        }
    }

    func run() throws {
        let logger = Logger(label: "condenser.prune")
        runtime.apply(logger: logger)
        let input = URL(fileURLWithPath: checkpoint)
        let output = out.map { URL(fileURLWithPath: $0) } ?? CheckpointPruner.defaultOutput(for: input)
        try checkOutput(output, inputs: [checkpoint, data] + [teacher, test].compactMap { $0 }, overwrite: overwrite)
        // Named as typed: the record keeps the user's paths.
        let calibration = try MultimodalDataset.read(from: URL(fileURLWithPath: data)).named(data)
        let testData = try test.map { try MultimodalDataset.read(from: URL(fileURLWithPath: $0)).named($0) }
        let teacherModel = try teacher.map { path in
            let file = URL(fileURLWithPath: path)
            return CheckpointPruner.Teacher(model: try CheckpointFile.loadModel(from: file).model, file: file, seed: seed)
        }
        let outcome: CheckpointPruner.Outcome
        do {
            outcome = try CheckpointPruner.run(
                input: input, output: output, settings: settings, calibration: calibration, test: testData, teacher: teacherModel,
                provenance: Provenance(command: commandLine, source: checkpoint, toolVersion: Condenser.version),
                progress: ProgressReporter())
        } catch let PruningError.invalidSetting(error) {
            throw CommandError.invalidOption(error.flagMessage(Self.flags))
        }

        let (before, after) = (outcome.source.config, outcome.pruned.config)
        let record = outcome.record
        print("wrote \(output.path)")
        print("  parameters  \(outcome.source.parameterCount.formatted()) → \(outcome.pruned.parameterCount.formatted())")
        print("  FLOPs       \(before.forwardFLOPs().formatted()) → \(after.forwardFLOPs().formatted()) per sample"
              + String(format: " (%.2f× fewer)", Double(before.forwardFLOPs()) / Double(after.forwardFLOPs())))
        print("  structure   \(Pruner.describe(after))")
        for (label, value) in [("before", record.accuracyBefore), ("pruned", record.accuracyPruned),
                               ("recovered", record.accuracyRecovered)] {
            if let value { print(String(format: "  accuracy    %@ %.2f%%", label, 100 * value)) }
        }
    }
}
