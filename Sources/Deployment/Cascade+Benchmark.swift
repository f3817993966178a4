import Benchmarking
import Checkpoint
import Evaluation
import Foundation
import Models

extension Cascade {
    /// The bench's loader, knowing cascades: a `.json` file is a cascade, anything else a checkpoint.
    public static func benchmarkLoader(_ url: URL, data: MultimodalDataset?,
                                       evaluationBatchSize: Int) throws(BenchmarkError) -> Benchmark.LoadedModel {
        guard Cascade.isCascadeFile(url) else {
            return try Benchmark.loadCheckpoint(url, data: data, evaluationBatchSize: evaluationBatchSize)
        }
        let cascade: Cascade
        do {
            cascade = try Cascade.load(from: url)
            try data?.validate(against: cascade.student.config)
            try data?.validate(against: cascade.teacher.config)
        } catch {
            throw .modelFailed(file: url.relativePath, reason: "\(error)")
        }
        let files = [url, cascade.studentFile, cascade.teacherFile]
        let bytes = files.reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.intValue ?? 0)
        }
        var accuracy: Double?, share = cascade.definition.calibration.teacherShare, curve: [CascadeCurvePoint]?
        if let data, let labels = data.labels {
            let curvePoints = cascade.curve(on: data, labels: labels, batchSize: evaluationBatchSize)
            (accuracy, share, curve) = (curvePoints.measured.accuracy, curvePoints.measured.teacherShare, curvePoints.curve)
        }
        let flops = cascade.student.config.forwardFLOPs() + Int((share * Double(cascade.teacher.config.forwardFLOPs())).rounded())
        let names = [cascade.studentFile, cascade.teacherFile].map { $0.deletingPathExtension().lastPathComponent }
        let parameters = cascade.student.parameterCount + cascade.teacher.parameterCount
        let measurement = ModelMeasurement(precision: "cascade", parameters: parameters,
                                           bytes: bytes, flopsPerSample: flops, accuracy: accuracy, latency: [:],
                                           members: [cascade.studentFile.relativePath, cascade.teacherFile.relativePath],
                                           cascadeCurve: curve)
        return Benchmark.LoadedModel(predict: { _ = cascade.predict($0) }, measurement: measurement, config: cascade.config,
                                     name: "cascade (\(names[0]) → \(names[1]))")
    }

    /// Teacher shares at which the bench draws the cascade's curve.
    static let curveShares = [0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1]

    /// The cascade's accuracy and teacher share on `data` as calibrated, and its accuracy at other
    /// shares (the lowest-scored samples escalated first).
    func curve(on data: MultimodalDataset, labels: [Int32],
               batchSize: Int) -> (measured: CascadeCurvePoint, curve: [CascadeCurvePoint]) {
        let evidence = CascadeEvidence(student: student, teacher: teacher, data: data, labels: labels, batchSize: batchSize)
        let scores = definition.signal.scores(evidence.certainty, combination: definition.combination)
        let order = CascadeEvidence.escalationOrder(scores)
        func accuracy(escalating count: Int) -> Double { evidence.accuracy(escalating: count, of: order) }
        let escalatedNow = scores.filter { Double($0) < definition.threshold }.count
        let curve = Self.curveShares.map { share in
            let count = Int((share * Double(data.count)).rounded())
            return CascadeCurvePoint(teacherShare: Double(count) / Double(data.count), accuracy: accuracy(escalating: count))
        }
        return (CascadeCurvePoint(teacherShare: Double(escalatedNow) / Double(data.count), accuracy: accuracy(escalating: escalatedNow)),
                curve)
    }
}
