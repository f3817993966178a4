import Checkpoint
import Foundation
import Models
import TensorCore
import Training

/// Measures checkpoints on one data set: accuracy, size, FLOPs, and forward latency per batch
/// size, beside plain sgemm measured in the same run. Runs on the current `Parallel.threadCount`.
///
/// Timing is interleaved: the timed passes of every model and batch size are split into `rounds`
/// blocks, run in turn (round 1 of every model and batch size, then round 2, …), so that a change
/// of machine load during the run falls on all models alike instead of on whichever ran then. Each
/// block runs back to back on its own model, after `warmup` untimed passes before the first block
/// and `rewarmPasses` before each later one (the other models have since filled the caches).
public struct Benchmark {
    public var settings: BenchmarkSettings
    /// Blocks each model's timed passes are split into (fewer when there are fewer iterations).
    public static let rounds = 5
    /// Untimed passes before every block after the first.
    public static let rewarmPasses = 2

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
        guard let labels = data.labels else {
            throw .unusableData(file: data.source, reason: "has no /labels dataset, so accuracy cannot be measured")
        }
        var machine = MachineInfo.current(threads: Parallel.threadCount)
        let shape = SGEMMBaseline.referenceShape
        let gflops = SGEMMBaseline(m: shape.m, n: shape.n, k: shape.k).measureGFLOPS(warmup: 5, iterations: 40)
        progress(String(format: "bench: sgemm %d×%d×%d: %.1f GFLOP/s on %d thread(s), OpenBLAS core %@", shape.m, shape.n, shape.k, gflops,
                        machine.threads, machine.blasCore) + machine.peakClause(gflops))

        // Load and evaluate every checkpoint; those that fail keep their error.
        let paths = checkpoints.map(\.relativePath)
        var entries: [BenchmarkEntry] = []
        var loaded: [(entry: Int, model: FusionModel)] = []
        for (url, name) in zip(checkpoints, BenchmarkEntry.names(for: paths)) {
            do {
                let (model, measurement) = try load(checkpoint: url, data: data, labels: labels)
                loaded.append((entries.count, model))
                entries.append(BenchmarkEntry(name: name, path: url.relativePath, outcome: .measured(measurement)))
                progress(String(format: "bench: %@: accuracy %.2f%%", name, 100 * measurement.accuracy))
            } catch {
                progress("bench: \(name): \(error)")
                entries.append(BenchmarkEntry(name: name, path: url.relativePath, outcome: .failed(error.description)))
            }
        }

        // Timed passes, interleaved in rounds.
        let inputs = settings.batchSizes.map { Self.input(from: data, batchSize: $0) }
        var seconds = [[[Double]]](repeating: [[Double]](repeating: [], count: inputs.count), count: loaded.count)
        let rounds = min(Self.rounds, settings.iterations)
        for round in 0..<rounds {
            let passes = settings.iterations * (round + 1) / rounds - settings.iterations * round / rounds
            for (modelIndex, (_, model)) in loaded.enumerated() {
                for (inputIndex, input) in inputs.enumerated() {
                    for _ in 0..<(round == 0 ? settings.warmup : Self.rewarmPasses) { _ = model.predict(input) }
                    for _ in 0..<passes { seconds[modelIndex][inputIndex].append(WallClock.seconds { _ = model.predict(input) }) }
                }
            }
        }
        for (modelIndex, (entryIndex, _)) in loaded.enumerated() {
            guard case var .measured(measurement) = entries[entryIndex].outcome else { continue }
            for (inputIndex, batchSize) in settings.batchSizes.enumerated() {
                let statistics = LatencyStatistics(seconds: seconds[modelIndex][inputIndex])
                measurement.latency[batchSize] = statistics
                progress(String(format: "bench: %@ batch %d: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms", entries[entryIndex].name, batchSize,
                                statistics.p50, statistics.p90, statistics.p99))
            }
            entries[entryIndex].outcome = .measured(measurement)
        }
        machine.loadAverageAfter = MachineInfo.loadAverage()
        return BenchmarkReport(machine: machine, sgemmGFLOPS: gflops, sgemmShape: [shape.m, shape.n, shape.k], settings: settings,
                               dataSource: data.source, sampleCount: data.count, entries: entries)
    }

    /// Loads one checkpoint, checks it against the data and measures all but its latency.
    func load(checkpoint url: URL, data: MultimodalDataset, labels: [Int32]) throws(BenchmarkError) -> (FusionModel, ModelMeasurement) {
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
        let accuracy = Evaluation.accuracy(logits: logits, classes: model.config.numClasses, labels: labels)
        return (model, ModelMeasurement(precision: metadata.precision.rawValue, parameters: model.parameterCount, bytes: bytes,
                                        flopsPerSample: model.config.forwardFLOPs(), accuracy: accuracy, latency: [:]))
    }

    /// The first `batchSize` samples of `data` (non-empty), starting again from the first when it has fewer.
    public static func input(from data: MultimodalDataset, batchSize: Int) -> ModelInput {
        data.batch((0..<batchSize).map { $0 % data.count }).input
    }
}
