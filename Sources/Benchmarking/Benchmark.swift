import Checkpoint
import Foundation
import Models
import TensorCore
import Training

/// Measures checkpoints on one data set: accuracy, size, FLOPs, and forward latency per batch
/// size, beside plain sgemm measured in the same run. Runs on the current `Parallel.threadCount`.
public struct Benchmark {
    public var settings: BenchmarkSettings

    public init(settings: BenchmarkSettings) {
        self.settings = settings
    }

    /// Benchmarks `checkpoints` in order (the first is the baseline). A checkpoint that cannot be
    /// read, or that does not fit `data`, becomes a failed row; the others are still measured.
    /// `progress` receives a line per measurement.
    /// - Throws: `.invalidSettings`, or `.unusableData` when `data` is empty or has no labels.
    public func run(checkpoints: [URL], data: MultimodalDataset, progress: (String) -> Void = { _ in }) throws(BenchmarkError) -> BenchmarkReport {
        try settings.validate()
        guard data.count > 0 else { throw .unusableData(file: data.source, reason: "has no samples") }
        guard data.labels != nil else {
            throw .unusableData(file: data.source, reason: "has no /labels dataset, so accuracy cannot be measured")
        }
        var machine = MachineInfo.current(threads: Parallel.threadCount)
        let shape = SGEMMBaseline.referenceShape
        let gflops = SGEMMBaseline(m: shape.m, n: shape.n, k: shape.k).measureGFLOPS(warmup: 5, iterations: 40)
        progress(String(format: "bench: sgemm %d×%d×%d: %.1f GFLOP/s on %d thread(s)", shape.m, shape.n, shape.k, gflops, machine.threads))

        let paths = checkpoints.map(\.relativePath)
        var entries: [BenchmarkEntry] = []
        for (url, name) in zip(checkpoints, BenchmarkEntry.names(for: paths)) {
            do {
                let measurement = try measure(checkpoint: url, name: name, data: data, progress: progress)
                entries.append(BenchmarkEntry(name: name, path: url.relativePath, outcome: .measured(measurement)))
            } catch {
                progress("bench: \(name): \(error)")
                entries.append(BenchmarkEntry(name: name, path: url.relativePath, outcome: .failed(error.description)))
            }
        }
        machine.loadAverageAfter = MachineInfo.loadAverage()
        return BenchmarkReport(machine: machine, sgemmGFLOPS: gflops, sgemmShape: [shape.m, shape.n, shape.k], settings: settings,
                               dataSource: data.source, sampleCount: data.count, entries: entries)
    }

    /// Loads one checkpoint and measures it.
    func measure(checkpoint url: URL, name: String, data: MultimodalDataset,
                 progress: (String) -> Void) throws(BenchmarkError) -> ModelMeasurement {
        let model: FusionModel, metadata: CheckpointMetadata
        do {
            (model, metadata) = try CheckpointFile.loadModel(from: url)
        } catch {
            throw .modelFailed(file: url.relativePath, reason: error.description)
        }
        do {
            try data.validate(against: model.config)
        } catch {
            throw .modelFailed(file: url.relativePath, reason: "\(url.relativePath): \(error)")
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
        let logits = Evaluation.logits(of: model, on: data, batchSize: settings.evaluationBatchSize)
        let accuracy = Evaluation.accuracy(logits: logits, classes: model.config.numClasses, labels: data.labels!)
        var latency: [Int: LatencyStatistics] = [:]
        for batchSize in settings.batchSizes {
            let statistics = Self.latency(of: model, input: Self.input(from: data, batchSize: batchSize),
                                          warmup: settings.warmup, iterations: settings.iterations)
            latency[batchSize] = statistics
            progress(String(format: "bench: %@ batch %d: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms", name, batchSize,
                            statistics.p50, statistics.p90, statistics.p99))
        }
        return ModelMeasurement(precision: metadata.precision.rawValue, parameters: model.parameterCount, bytes: bytes,
                                flopsPerSample: model.config.forwardFLOPs(), accuracy: accuracy, latency: latency)
    }

    /// Forward-pass latency: `warmup` untimed passes, then `iterations` timed ones.
    public static func latency(of model: FusionModel, input: ModelInput, warmup: Int, iterations: Int) -> LatencyStatistics {
        for _ in 0..<warmup { _ = model.predict(input) }
        return LatencyStatistics(seconds: (0..<iterations).map { _ in WallClock.seconds { _ = model.predict(input) } })
    }

    /// The first `batchSize` samples of `data` (non-empty), starting again from the first when it has fewer.
    public static func input(from data: MultimodalDataset, batchSize: Int) -> ModelInput {
        data.batch((0..<batchSize).map { $0 % data.count }).input
    }
}
