import Benchmarking
import Deployment
import Foundation
import Training

/// `distill.json`: what a recipe run produced and measured. Accuracies are test-set fractions in [0, 1].
public struct DistillationReport {
    public struct ModelSummary {
        public var checkpoint: URL
        public var accuracy: Double
        public var parameters: Int
        /// Whether this run trained it (false: an existing teacher was loaded).
        public var trained: Bool

        func json(in folder: URL) -> [String: Any] {
            ["checkpoint": relativePath(checkpoint.path, in: folder), "accuracy": accuracy, "parameters": parameters, "trained": trained]
        }
    }

    /// The int8 student of the `quantize` phase.
    public struct Int8Summary {
        public var checkpoint: URL
        public var accuracy: Double
        /// Accuracy of the float32 checkpoint it was made from.
        public var sourceAccuracy: Double
        public var mode: String
        public var calibration: String?
        public var floatLayers: [String]
        public var metTarget: Bool?

        func json(in folder: URL) -> [String: Any] {
            var object: [String: Any] = ["checkpoint": relativePath(checkpoint.path, in: folder), "accuracy": accuracy,
                                         "source_accuracy": sourceAccuracy, "mode": mode, "float_layers": floatLayers]
            if let calibration { object["calibration"] = calibration }
            if let metTarget { object["met_target"] = metTarget }
            return object
        }
    }

    /// The cascade of the `cascade` phase, measured on the test data.
    public struct CascadeSummary {
        public var checkpoint: URL
        public var signal: String
        /// Share of the calibration samples the rule sends to the teacher.
        public var calibrationShare: Double
        public var measurement: CascadeMeasurement

        func json(in folder: URL) -> [String: Any] {
            let m = measurement
            return ["checkpoint": relativePath(checkpoint.path, in: folder), "signal": signal, "calibration_share": calibrationShare,
                    "accuracy": m.accuracy, "retained": m.retained, "teacher_share": m.teacherShare,
                    "mean_latency_ms": m.cascadeMeanMilliseconds, "teacher_mean_latency_ms": m.teacherMeanMilliseconds,
                    "latency_ratio": m.latencyRatio,
                    "latency_ms": ["p50": m.cascadeLatency.p50, "p90": m.cascadeLatency.p90, "p99": m.cascadeLatency.p99],
                    "throughput_batch_32": m.cascadeThroughput, "teacher_throughput_batch_32": m.teacherThroughput]
        }
    }

    public var name: String
    public var teacher: ModelSummary
    public var student: ModelSummary?
    public var studentScratch: ModelSummary?
    /// Every scratch student's initial-weight seed and test accuracy; the first is `studentScratch`.
    public var scratchRuns: [(seed: UInt64, accuracy: Double)] = []
    /// The distilled student after the recipe's `prune` section.
    public var studentPruned: ModelSummary?
    public var studentInt8: Int8Summary?
    public var cascade: CascadeSummary?
    /// Test accuracy per question kind of each model (`teacher`, `student`, `student-scratch`,
    /// `student-scratch-2`, …, `student-pruned`, `student-pruned-int8`), when the test data is `shapes`.
    public var accuracyByKind: [String: [String: Double]] = [:]
    public var warnings: [String] = []
    public var seconds: [String: Double] = [:]
    public var epochs: [EpochRecord] = []
    /// The recipe with every default filled in, as a JSON text.
    public var recipeJSON: String
    /// The bench phase's results, when the recipe has a `bench` section, and the folder of its report files.
    public var bench: BenchmarkReport?
    public var benchReportFolder: String?

    /// Student accuracy as a fraction of the teacher's.
    public var retained: Double? { student.map { $0.accuracy / max(teacher.accuracy, 1e-12) } }
    /// Student minus scratch-student accuracy, in percentage points.
    public var gainPoints: Double? {
        guard let student, let studentScratch else { return nil }
        return 100 * (student.accuracy - studentScratch.accuracy)
    }

    /// Mean scratch accuracy, when several scratch students were trained.
    public var scratchMeanAccuracy: Double? {
        scratchRuns.count > 1 ? scratchRuns.map(\.accuracy).reduce(0, +) / Double(scratchRuns.count) : nil
    }
    /// Student minus mean scratch accuracy, in percentage points, when several scratch students were trained.
    public var meanGainPoints: Double? {
        guard let student, let mean = scratchMeanAccuracy else { return nil }
        return 100 * (student.accuracy - mean)
    }
    /// Largest minus smallest scratch accuracy, in percentage points.
    public var scratchSpreadPoints: Double? {
        let accuracies = scratchRuns.map(\.accuracy)
        guard accuracies.count > 1 else { return nil }
        return 100 * (accuracies.max()! - accuracies.min()!)
    }

    /// Pretty, key-sorted JSON. Paths inside `folder` (the recipe's output) are written relative to
    /// it, so the folder can be moved or shared; others (a teacher kept elsewhere) as they are.
    public func jsonData(in folder: URL) throws -> Data {
        var object: [String: Any] = [
            "name": name, "teacher": teacher.json(in: folder), "warnings": warnings, "seconds": seconds,
            "recipe": try JSONSerialization.jsonObject(with: Data(recipeJSON.utf8)),
            "epochs": try JSONSerialization.jsonObject(with: JSONEncoder().encode(epochs)),
        ]
        if let student { object["student"] = student.json(in: folder) }
        if let studentScratch { object["student_scratch"] = studentScratch.json(in: folder) }
        if let studentPruned { object["student_pruned"] = studentPruned.json(in: folder) }
        if let studentInt8 { object["student_int8"] = studentInt8.json(in: folder) }
        if let cascade { object["cascade"] = cascade.json(in: folder) }
        if let retained { object["retained"] = retained }
        if let gainPoints { object["distillation_gain_points"] = gainPoints }
        if scratchRuns.count > 1 {
            object["student_scratch_runs"] = scratchRuns.map { ["seed": $0.seed, "accuracy": $0.accuracy] }
            object["student_scratch_mean_accuracy"] = scratchMeanAccuracy
            object["distillation_gain_points_mean"] = meanGainPoints
        }
        if let benchReportFolder { object["bench_report"] = relativePath(benchReportFolder, in: folder) }
        if !accuracyByKind.isEmpty {
            object["accuracy_by_kind"] = accuracyByKind
            let scratch = accuracyByKind.filter { $0.key.hasPrefix("student-scratch") }.map(\.value)
            if scratch.count > 1, let kinds = scratch.first?.keys {
                object["student_scratch_mean_accuracy_by_kind"] = Dictionary(uniqueKeysWithValues: kinds.map { kind in
                    (kind, scratch.map { $0[kind] ?? 0 }.reduce(0, +) / Double(scratch.count))
                })
            }
        }
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }
}

/// `path` relative to `folder` when it lies inside it (`student.h5`, `report`), else as it is.
func relativePath(_ path: String, in folder: URL) -> String {
    let base = folder.standardizedFileURL.path + "/"
    let full = URL(fileURLWithPath: path).standardizedFileURL.path
    return full.hasPrefix(base) ? String(full.dropFirst(base.count)) : path
}
