import Checkpoint
import Foundation
import Quantization

extension DistillationPipeline {
    /// The recipe's `quantize` phase: the final student checkpoint (`student-pruned.h5` when the
    /// recipe prunes, else `student.h5`) to `<name>-int8.h5` by `CheckpointQuantizer`, calibrated
    /// on the training data and checked on the test data.
    func quantizeStudent(_ settings: QuantizationSettings, source: SavedModel, train: MultimodalDataset,
                         test: MultimodalDataset) throws -> DistillationReport.Int8Summary {
        let output = CheckpointQuantizer.defaultOutput(for: source.file)
        let (outcome, record) = try CheckpointQuantizer.run(
            input: source.file, output: output, settings: settings, calibration: train.named("data.train"),
            evaluation: test.named("data.test"),
            provenance: Provenance(command: commandLine, source: source.file.path, toolVersion: toolVersion),
            log: progress.line)
        progress.line(String(format: "int8: saved %@, test accuracy %.2f%% (float32 %.2f%%)", output.path,
                             100 * (outcome.int8Accuracy ?? 0), 100 * (outcome.floatAccuracy ?? 0)))
        return .init(checkpoint: output, accuracy: outcome.int8Accuracy ?? 0, sourceAccuracy: outcome.floatAccuracy ?? 0,
                     mode: record.mode, calibration: record.calibration, floatLayers: record.floatLayers, metTarget: record.metTarget)
    }
}
