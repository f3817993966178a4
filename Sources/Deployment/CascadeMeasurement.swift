import Benchmarking
import Checkpoint
import Evaluation
import Foundation
import Models

/// What a cascade does on test data, against its teacher alone: accuracy, the share of samples
/// sent to the teacher, per-sample latency at batch 1 and throughput at batch 32.
public struct CascadeMeasurement: Sendable {
    public var accuracy: Double
    public var teacherAccuracy: Double
    public var studentAccuracy: Double
    public var teacherShare: Double
    /// Per-sample wall-clock latency at batch 1 over the first `latencySamples` test samples, in ms.
    public var cascadeLatency: LatencyStatistics
    public var teacherLatency: LatencyStatistics
    public var studentLatency: LatencyStatistics
    public var cascadeMeanMilliseconds: Double
    public var teacherMeanMilliseconds: Double
    public var studentMeanMilliseconds: Double
    /// Samples per second at batch 32 over the whole test set: the student runs every batch, the
    /// teacher only its escalated rows.
    public var cascadeThroughput: Double
    public var teacherThroughput: Double

    public var retained: Double { accuracy / max(teacherAccuracy, 1e-12) }
    public var latencyRatio: Double { cascadeMeanMilliseconds / teacherMeanMilliseconds }

    /// Measures `cascade` on labelled `test` data (after one untimed warm-up pass of each model).
    public static func measure(_ cascade: Cascade, on test: MultimodalDataset, latencySamples: Int = 500) throws -> CascadeMeasurement {
        guard let labels = test.labels, test.count > 0 else {
            throw CascadeError.invalid(file: test.source, reason: "measuring a cascade needs labelled test samples (/labels)")
        }
        try test.validate(against: cascade.student.config)
        try test.validate(against: cascade.teacher.config)
        let classes = cascade.config.numClasses
        func accuracy(_ logits: [Float]) -> Double { Evaluation.accuracy(logits: logits, classes: classes, labels: labels) }

        var (logits, escalated): ([Float], [Bool]) = ([], [])
        let cascadeSeconds = WallClock.seconds { (logits, escalated) = cascade.predict(test, batchSize: 32) }
        var teacherLogits: [Float] = []
        let teacherSeconds = WallClock.seconds { teacherLogits = Evaluation.logits(of: cascade.teacher, on: test, batchSize: 32) }
        let studentLogits = Evaluation.logits(of: cascade.student, on: test, batchSize: 32)

        let samples = min(latencySamples, test.count)
        let inputs = (0..<samples).map { test.batch($0..<($0 + 1)).input }
        func perSample(_ run: (ModelInput) -> Void) -> [Double] {
            run(inputs[0])
            return inputs.map { input in WallClock.seconds { run(input) } }
        }
        let cascadeTimes = perSample { _ = cascade.predict($0) }
        let teacherTimes = perSample { _ = cascade.teacher.predict($0) }
        let studentTimes = perSample { _ = cascade.student.predict($0) }
        func mean(_ seconds: [Double]) -> Double { 1e3 * seconds.reduce(0, +) / Double(seconds.count) }
        return CascadeMeasurement(
            accuracy: accuracy(logits), teacherAccuracy: accuracy(teacherLogits), studentAccuracy: accuracy(studentLogits),
            teacherShare: Double(escalated.filter { $0 }.count) / Double(test.count),
            cascadeLatency: LatencyStatistics(seconds: cascadeTimes), teacherLatency: LatencyStatistics(seconds: teacherTimes),
            studentLatency: LatencyStatistics(seconds: studentTimes), cascadeMeanMilliseconds: mean(cascadeTimes),
            teacherMeanMilliseconds: mean(teacherTimes), studentMeanMilliseconds: mean(studentTimes),
            cascadeThroughput: Double(test.count) / cascadeSeconds, teacherThroughput: Double(test.count) / teacherSeconds)
    }
}
