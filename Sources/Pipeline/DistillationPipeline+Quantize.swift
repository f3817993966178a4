import Checkpoint
import Foundation
import Quantization
import Recipes

extension DistillationPipeline {
    /// The recipe's `quantize` phase: the final student checkpoint (`student-pruned.h5` when the
    /// recipe prunes, else `student.h5`) to `<name>-int8.h5`, calibrated on the training data and
    /// checked on the test data.
    func quantizeStudent(_ section: QuantizeSection, source: URL, train: MultimodalDataset, test: MultimodalDataset) throws
        -> DistillationReport.Int8Summary {
        // Through its shortest decimal form, so that 99.99 is recorded as 99.99, not 99.98999786….
        let percentile = Double(section.percentile.description) ?? Double(section.percentile)
        let method = CalibrationMethod(name: section.calibration.rawValue, percentile: percentile)!
        let settings = QuantizationSettings(mode: section.mode == .dynamic ? .dynamic : .static(method),
                                            samples: section.samples, maxDrop: section.maxDrop.map(Double.init), batchSize: 128)
        let output = CheckpointQuantizer.defaultOutput(for: source)
        let (outcome, record) = try CheckpointQuantizer.run(
            input: source, output: output, settings: settings, calibration: (train, "data.train"), evaluation: (test, "data.test"),
            provenance: Provenance(command: commandLine, source: source.path, toolVersion: toolVersion), log: progress.line)
        progress.line(String(format: "int8: saved %@, test accuracy %.2f%% (float32 %.2f%%)", output.path,
                             100 * (outcome.int8Accuracy ?? 0), 100 * (outcome.floatAccuracy ?? 0)))
        return .init(checkpoint: output.path, accuracy: outcome.int8Accuracy ?? 0, sourceAccuracy: outcome.floatAccuracy ?? 0,
                     mode: record.mode, calibration: record.calibration, floatLayers: record.floatLayers, metTarget: record.metTarget)
    }
}
