/// A cascade's accuracy when the given share of samples goes to its teacher.
public struct CascadeCurvePoint: Equatable, Sendable {
    public var teacherShare: Double
    public var accuracy: Double

    public init(teacherShare: Double, accuracy: Double) {
        self.teacherShare = teacherShare
        self.accuracy = accuracy
    }
}

/// Everything measured about one checkpoint.
public struct ModelMeasurement: Equatable, Sendable {
    /// The checkpoint's `precision` attribute ("float32", "int8", …).
    public var precision: String
    /// Number of parameters (every element of every parameter tensor).
    public var parameters: Int
    /// Size of the checkpoint file.
    public var bytes: Int
    /// Forward FLOPs per sample from the model config (`ModelConfig.forwardFLOPs`, pruning included).
    public var flopsPerSample: Int
    /// Test accuracy, a fraction in [0, 1]; nil when the run had no labelled data (latency only).
    public var accuracy: Double?
    /// Latency per batch size.
    public var latency: [Int: LatencyStatistics]
    /// For a cascade: its members' paths (student, teacher), and its accuracy on the data at other
    /// teacher shares, lowest-scored samples escalated first.
    public var members: [String]?
    public var cascadeCurve: [CascadeCurvePoint]?

    public init(precision: String, parameters: Int, bytes: Int, flopsPerSample: Int, accuracy: Double?,
                latency: [Int: LatencyStatistics], members: [String]? = nil, cascadeCurve: [CascadeCurvePoint]? = nil) {
        self.precision = precision
        self.parameters = parameters
        self.bytes = bytes
        self.flopsPerSample = flopsPerSample
        self.accuracy = accuracy
        self.latency = latency
        self.members = members
        self.cascadeCurve = cascadeCurve
    }

    /// Samples per second at `batchSize`: batch size / p50 latency.
    public func throughput(batchSize: Int) -> Double? {
        latency[batchSize].map { Double(batchSize) / ($0.p50 / 1e3) }
    }

    /// GFLOP/s achieved at `batchSize`: FLOPs per sample × samples per second.
    public func gigaflops(batchSize: Int) -> Double? {
        throughput(batchSize: batchSize).map { Double(flopsPerSample) * $0 / 1e9 }
    }
}

/// One row of the report: a checkpoint and what was measured, or why it could not be.
public struct BenchmarkEntry: Equatable, Sendable {
    /// Short name: the file name without `.h5`, or the whole path when two files share a name.
    public var name: String
    /// The checkpoint's path as given.
    public var path: String
    public var outcome: Outcome

    public enum Outcome: Equatable, Sendable {
        case measured(ModelMeasurement)
        /// The message that explains why (unreadable checkpoint, data that do not fit).
        case failed(String)
    }

    public init(name: String, path: String, outcome: Outcome) {
        self.name = name
        self.path = path
        self.outcome = outcome
    }

    public var measurement: ModelMeasurement? {
        if case let .measured(measurement) = outcome { return measurement }
        return nil
    }

    public var error: String? {
        if case let .failed(message) = outcome { return message }
        return nil
    }

    /// Names for checkpoint `paths`, in order: file names without extension, unless two coincide.
    public static func names(for paths: [String]) -> [String] {
        let stems = paths.map { path in
            let file = path.split(separator: "/").last.map(String.init) ?? path
            return file.hasSuffix(".h5") ? String(file.dropLast(3)) : file
        }
        return zip(stems, paths).map { stem, path in stems.filter { $0 == stem }.count > 1 ? path : stem }
    }
}
