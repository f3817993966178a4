import Checkpoint
import Deployment
import Foundation
import Recipes

extension DistillationPipeline {
    /// The recipe's `cascade` phase: the final student and the teacher calibrated by
    /// `CascadeBuilder` on the section's held-out data, written as `cascade.json`, then measured
    /// on the test data.
    func cascadeStudent(_ section: CascadeSection, student: URL, teacher: SavedModel,
                        test: MultimodalDataset) throws -> DistillationReport.CascadeSummary {
        guard let calibration = cascadeData else { preconditionFailure("loadData() reads the cascade's data") }
        let url = output.appendingPathComponent("cascade.json")
        let definition = try CascadeBuilder.build(student: student, teacher: teacher.file, calibration: calibration,
                                                  settings: section.settings, output: url)
        try writeFileAtomically(try definition.jsonData(), to: url)
        let measured = try CascadeMeasurement.measure(try Cascade.load(from: url), on: test)
        progress.line(String(format: "cascade: saved %@ (%@ below %.4g): test accuracy %.2f%% (%.1f%% of the teacher's), "
                             + "%.2f%% to the teacher, mean batch-1 latency %.2f× the teacher's", url.path,
                             definition.signal.rawValue, definition.threshold, 100 * measured.accuracy, 100 * measured.retained,
                             100 * measured.teacherShare, measured.latencyRatio))
        return .init(checkpoint: url, signal: definition.signal.rawValue, calibrationShare: definition.calibration.teacherShare,
                     measurement: measured)
    }
}
