import Checkpoint
import Foundation
import Models

/// `condenser quantize` and the recipe's quantize phase: a float32 checkpoint in, an int8
/// checkpoint out, written atomically.
public enum CheckpointQuantizer {
    /// Checks the settings and data against the checkpoint, quantizes and writes `output`.
    /// Nothing is written when anything is wrong. The record names the data by their `source`.
    public static func run(input: URL, output: URL, settings: QuantizationSettings,
                           calibration: MultimodalDataset?, evaluation: MultimodalDataset?, provenance: Provenance,
                           log: (String) -> Void = { _ in }) throws -> (outcome: QuantizationOutcome, record: QuantizationRecord) {
        do throws(SettingError) { try settings.validate() } catch { throw QuantizationError.invalidSetting(error) }
        let (model, metadata) = try CheckpointFile.loadModel(from: input)
        guard metadata.precision == .float32 else { throw QuantizationError.alreadyInt8(file: input.path) }
        if settings.mode == .static, calibration == nil { throw QuantizationError.needsCalibrationData }
        try calibration?.validate(against: model.config)
        try evaluation?.validate(against: model.config)

        let outcome = PostTrainingQuantization.quantize(model, settings: settings, calibration: calibration,
                                                        evaluation: evaluation, log: log)
        let method = settings.mode == .static ? settings.calibration : nil
        var percentile: Double?
        if case let .percentile(p) = method { percentile = p }
        let record = QuantizationRecord(
            mode: settings.mode.rawValue, calibration: method?.name.rawValue, percentile: percentile,
            samples: method == nil ? nil : min(settings.samples, calibration!.count),
            floatLayers: outcome.floatLayers, accuracyFloat32: outcome.floatAccuracy, accuracyInt8: outcome.int8Accuracy,
            evaluatedOn: outcome.int8Accuracy == nil ? nil : evaluation?.source, maxDrop: settings.maxDrop, metTarget: outcome.metTarget)
        var metrics = metadata.metrics ?? [:]
        metrics["accuracy"] = outcome.int8Accuracy
        let written = CheckpointMetadata(config: metadata.config, precision: .int8, provenance: provenance,
                                         metrics: metrics.isEmpty ? nil : metrics, pruning: metadata.pruning, quantization: record)
        try CheckpointFile.write(model: model, metadata: written, to: output)
        return (outcome, record)
    }

    /// `<name>-int8.h5` beside `input`.
    public static func defaultOutput(for input: URL) -> URL {
        input.deletingLastPathComponent()
            .appendingPathComponent(input.deletingPathExtension().lastPathComponent + "-int8.h5")
    }
}
