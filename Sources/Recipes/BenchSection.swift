/// The `bench` section: how the run's checkpoints are benchmarked once they exist
/// (`condenser bench` with the same options; see docs/bench.md).
public struct BenchSection: Sendable, Equatable {
    /// Batch sizes whose latency is measured, each >= 1, no repeats (`batch_sizes`, default [1, 32]).
    public var batchSizes: [Int]
    /// Worker threads while benchmarking, >= 1 (`threads`); nil keeps the run's `--threads`.
    public var threads: Int?
    /// Untimed forward passes before the timed ones, per model and batch size, >= 0 (`warmup`, default 20).
    public var warmup: Int
    /// Timed forward passes per model and batch size, >= 1 (`iterations`, default 200).
    public var iterations: Int
    /// Folder for report.md, .csv, .json and .svg (`report`); nil means `<output>/report`.
    public var report: String?

    public init(batchSizes: [Int] = [1, 32], threads: Int? = nil, warmup: Int = 20, iterations: Int = 200, report: String? = nil) {
        self.batchSizes = batchSizes
        self.threads = threads
        self.warmup = warmup
        self.iterations = iterations
        self.report = report
    }
}

extension BenchSection {
    /// Reads the whole `bench` object.
    init(reading reader: inout JSONObjectReader) throws(RecipeError) {
        let defaults = BenchSection()
        let batchSizes = try reader.integers("batch_sizes", minimum: 1, default: defaults.batchSizes)
        for (index, size) in batchSizes.enumerated() where batchSizes[..<index].contains(size) {
            throw reader.error("batch_sizes", "batch size \(size) is listed twice")
        }
        let threads: Int? = reader.contains("threads") ? try reader.integer("threads", minimum: 1) : nil
        self.init(batchSizes: batchSizes, threads: threads,
                  warmup: try reader.integer("warmup", minimum: 0, default: defaults.warmup),
                  iterations: try reader.integer("iterations", minimum: 1, default: defaults.iterations),
                  report: reader.contains("report") ? try reader.string("report") : nil)
        try reader.finish()
    }

    var json: JSONValue {
        var members: [String: JSONValue] = ["batch_sizes": .array(batchSizes.map { .number($0) }),
                                            "warmup": .number(warmup), "iterations": .number(iterations)]
        members["threads"] = threads.map { .number($0) }
        members["report"] = report.map { .string($0) }
        return .object(members)
    }
}
