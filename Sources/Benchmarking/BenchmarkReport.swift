/// What one benchmark run measured: the machine, the sgemm yardstick and a row per checkpoint.
/// The first row is the baseline the others are compared with (normally the teacher).
/// Written as report.md, .csv, .json and .svg (docs/bench.md describes each).
public struct BenchmarkReport: Equatable, Sendable {
    public var machine: MachineInfo
    /// GFLOP/s of plain sgemm on `sgemmShape`, measured in the same run.
    public var sgemmGFLOPS: Double
    /// (m, n, k) of that product.
    public var sgemmShape: [Int]
    public var settings: BenchmarkSettings
    /// The data file (or description) accuracy and latency inputs come from, and its sample count.
    public var dataSource: String
    public var sampleCount: Int
    public var entries: [BenchmarkEntry]

    public init(machine: MachineInfo, sgemmGFLOPS: Double, sgemmShape: [Int], settings: BenchmarkSettings,
                dataSource: String, sampleCount: Int, entries: [BenchmarkEntry]) {
        self.machine = machine
        self.sgemmGFLOPS = sgemmGFLOPS
        self.sgemmShape = sgemmShape
        self.settings = settings
        self.dataSource = dataSource
        self.sampleCount = sampleCount
        self.entries = entries
    }

    /// The first row's measurement; nil when it failed, and then nothing has a speed-up or retained accuracy.
    public var baseline: ModelMeasurement? { entries.first?.measurement }

    /// Baseline p50 / model p50 at `batchSize`: how many times faster than the baseline.
    public func speedup(_ model: ModelMeasurement, batchSize: Int) -> Double? {
        guard let reference = baseline?.latency[batchSize], let own = model.latency[batchSize], own.p50 > 0 else { return nil }
        return reference.p50 / own.p50
    }

    /// Model accuracy / baseline accuracy, a fraction (0.98 = 98% retained); nil if the baseline
    /// scored 0 or accuracy was not measured.
    public func accuracyRetained(_ model: ModelMeasurement) -> Double? {
        guard let reference = baseline?.accuracy, reference > 0, let accuracy = model.accuracy else { return nil }
        return accuracy / reference
    }

    /// The measured models as (p50 latency at `batchSize`, accuracy) points (none without accuracy).
    public func points(batchSize: Int) -> [ParetoPoint] {
        entries.compactMap { entry in
            guard let measurement = entry.measurement, let latency = measurement.latency[batchSize],
                  let accuracy = measurement.accuracy else { return nil }
            return ParetoPoint(name: entry.name, latency: latency.p50, accuracy: accuracy)
        }
    }

    /// Models on the Pareto frontier of p50 latency at `batchSize` against accuracy, fastest first.
    public func paretoFrontier(batchSize: Int) -> [ParetoPoint] {
        ParetoFrontier.frontier(of: points(batchSize: batchSize))
    }

    /// The model's GFLOP/s at `batchSize` as a fraction of the sgemm yardstick's.
    public func fractionOfSGEMM(_ model: ModelMeasurement, batchSize: Int) -> Double? {
        guard sgemmGFLOPS > 0 else { return nil }
        return model.gigaflops(batchSize: batchSize).map { $0 / sgemmGFLOPS }
    }

    /// The model's GFLOP/s at `batchSize` as a fraction of the machine's theoretical peak.
    public func fractionOfPeak(_ model: ModelMeasurement, batchSize: Int) -> Double? {
        model.gigaflops(batchSize: batchSize).flatMap(machine.fractionOfPeak)
    }

    /// Rows that could not be measured.
    public var failures: [BenchmarkEntry] { entries.filter { $0.error != nil } }
}
