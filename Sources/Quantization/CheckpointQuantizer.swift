import Checkpoint
import Foundation
import Models

/// `condenser quantize` and the recipe's quantize phase: a float32 checkpoint in, an int8
/// checkpoint out, written atomically.
public enum CheckpointQuantizer {
    /// A labelled or unlabelled dataset and the name to report it by.
    public typealias NamedData = (data: MultimodalDataset, name: String)

    /// Checks the settings and data against the checkpoint, quantizes and writes `output`.
    /// Nothing is written when anything is wrong.
    public static func run(input: URL, output: URL, settings: QuantizationSettings,
                           calibration: NamedData?, evaluation: NamedData?, provenance: Provenance,
                           log: (String) -> Void = { _ in }) throws -> (outcome: QuantizationOutcome, record: QuantizationRecord) {
        try validate(settings)
        let (model, metadata) = try CheckpointFile.loadModel(from: input)
        guard metadata.precision == .float32 else { throw QuantizationError.alreadyInt8(file: input.path) }
        if case .static = settings.mode, calibration == nil { throw QuantizationError.needsCalibrationData }
        try calibration?.data.validate(against: model.config)
        try evaluation?.data.validate(against: model.config)

        let outcome = PostTrainingQuantization.quantize(model, settings: settings, calibration: calibration?.data,
                                                        evaluation: evaluation?.data, log: log)
        var method: CalibrationMethod?
        if case let .static(m) = settings.mode { method = m }
        var percentile: Double?
        if case let .percentile(p) = method { percentile = p }
        let record = QuantizationRecord(
            mode: method == nil ? "dynamic" : "static", calibration: method?.name, percentile: percentile,
            samples: method == nil ? nil : min(settings.samples, calibration!.data.count),
            floatLayers: outcome.floatLayers, accuracyFloat32: outcome.floatAccuracy, accuracyInt8: outcome.int8Accuracy,
            evaluatedOn: outcome.int8Accuracy == nil ? nil : evaluation?.name, maxDrop: settings.maxDrop, metTarget: outcome.metTarget)
        var metrics = metadata.metrics ?? [:]
        metrics["accuracy"] = outcome.int8Accuracy
        let written = CheckpointMetadata(config: metadata.config, precision: .int8, provenance: provenance,
                                         metrics: metrics.isEmpty ? nil : metrics, pruning: metadata.pruning, quantization: record)
        try CheckpointFile.write(model: model, metadata: written, to: output)
        return (outcome, record)
    }

    static func validate(_ settings: QuantizationSettings) throws {
        guard settings.samples >= 1 else {
            throw QuantizationError.invalidOption(name: "samples", reason: "expected at least 1 calibration sample, got \(settings.samples)")
        }
        guard settings.batchSize >= 1 else {
            throw QuantizationError.invalidOption(name: "batch_size", reason: "expected at least 1, got \(settings.batchSize)")
        }
        if case let .static(.percentile(p)) = settings.mode, !(p > 0 && p <= 100) {
            throw QuantizationError.invalidOption(name: "percentile", reason: "expected a percentile in (0, 100], got \(p)")
        }
        if let drop = settings.maxDrop, !(drop >= 0 && drop.isFinite) {
            throw QuantizationError.invalidOption(name: "max_drop", reason: "expected points >= 0, got \(drop)")
        }
    }

    /// `<name>-int8.h5` beside `input`.
    public static func defaultOutput(for input: URL) -> URL {
        input.deletingLastPathComponent()
            .appendingPathComponent(input.deletingPathExtension().lastPathComponent + "-int8.h5")
    }
}
