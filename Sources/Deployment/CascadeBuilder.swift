import Checkpoint
import Evaluation
import Foundation
import Models

/// `condenser cascade` and the recipe's cascade phase: calibrates the rule on held-out data and
/// writes `cascade.json`.
public enum CascadeBuilder {
    /// Runs both members over `calibration` (labelled, never the test set), fits the combined
    /// signal, calibrates every signal to the smallest teacher share keeping `settings.retain` × the
    /// teacher's accuracy, and keeps `settings.signal` (nil: the signal with the smallest share).
    /// Member paths are written relative to `output`'s folder when they lie inside it.
    public static func build(student studentFile: URL, teacher teacherFile: URL, calibration: MultimodalDataset,
                             settings: CascadeSettings, output: URL, batchSize: Int = 128) throws -> CascadeDefinition {
        try settings.validate()
        let (retain, signal) = (settings.retain, settings.signal)
        guard let labels = calibration.labels, calibration.count > 0 else {
            throw CascadeError.invalid(file: calibration.source, reason: "calibration needs labelled samples (/labels)")
        }
        let student = try CheckpointFile.loadModel(from: studentFile).model
        let teacher = try CheckpointFile.loadModel(from: teacherFile).model
        try Cascade.checkMembers(student: student.config, teacher: teacher.config, file: teacherFile.path)
        try calibration.validate(against: student.config)
        try calibration.validate(against: teacher.config)

        let evidence = CascadeEvidence(student: student, teacher: teacher, data: calibration, labels: labels, batchSize: batchSize)
        let combination = LogisticCombination.fit(evidence.certainty, right: evidence.studentRight)
        let calibrations = CascadeSignal.allCases.map { candidate in
            (candidate, CascadeCalibration(scores: candidate.scores(evidence.certainty, combination: combination),
                                           studentRight: evidence.studentRight, teacherRight: evidence.teacherRight, retain: retain))
        }
        let (chosen, rule) = signal.flatMap { wanted in calibrations.first { $0.0 == wanted } }
            ?? calibrations.min { $0.1.teacherShare < $1.1.teacherShare }!
        let folder = output.deletingLastPathComponent().standardizedFileURL.path + "/"
        func recorded(_ file: URL) -> String {
            let path = file.standardizedFileURL.path
            return path.hasPrefix(folder) ? String(path.dropFirst(folder.count)) : path
        }
        return CascadeDefinition(
            student: recorded(studentFile), teacher: recorded(teacherFile), signal: chosen, threshold: rule.threshold,
            combination: chosen == .combined ? combination : nil,
            calibration: .init(data: calibration.source, samples: calibration.count, retain: retain, teacherShare: rule.teacherShare,
                               accuracy: rule.accuracy, studentAccuracy: rule.studentAccuracy, teacherAccuracy: rule.teacherAccuracy,
                               signals: Dictionary(uniqueKeysWithValues: calibrations.map { ($0.0.rawValue, $0.1.teacherShare) })))
    }
}
