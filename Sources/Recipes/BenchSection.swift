import Models
import Benchmarking

/// The `bench` section: how the run's checkpoints are benchmarked once they exist
/// (`condenser bench` with the same options; see docs/bench.md).
public struct BenchSection: Sendable, Equatable {
    /// `batch_sizes` (default [1, 32]), `warmup` (default 20) and `iterations` (default 200).
    public var settings: BenchmarkSettings
    /// Worker threads while benchmarking, >= 1 (`threads`); nil keeps the run's `--threads`.
    public var threads: Int?
    /// Folder for report.md, .csv, .json and .svg (`report`); nil means `<output>/report`.
    public var report: String?

    public init(settings: BenchmarkSettings = BenchmarkSettings(), threads: Int? = nil, report: String? = nil) {
        self.settings = settings
        self.threads = threads
        self.report = report
    }
}

extension BenchSection {
    /// Reads the whole `bench` object.
    init(reading reader: inout JSONObjectReader) throws(RecipeError) {
        let defaults = BenchmarkSettings()
        let settings = BenchmarkSettings(batchSizes: try reader.integers("batch_sizes", minimum: 1, default: defaults.batchSizes),
                                         warmup: try reader.integer("warmup", default: defaults.warmup),
                                         iterations: try reader.integer("iterations", default: defaults.iterations))
        self.init(settings: settings, threads: reader.contains("threads") ? try reader.integer("threads", minimum: 1) : nil,
                  report: reader.contains("report") ? try reader.string("report") : nil)
        try reader.finish()
        try reader.validate(settings.validate)
    }

    var json: JSONValue {
        var members: [String: JSONValue] = ["batch_sizes": .array(settings.batchSizes.map { .number($0) }),
                                            "warmup": .number(settings.warmup), "iterations": .number(settings.iterations)]
        members["threads"] = threads.map { .number($0) }
        members["report"] = report.map { .string($0) }
        return .object(members)
    }
}
