import Models

/// What `Benchmark` measures, and how often: `condenser bench`'s options and a recipe's `bench`
/// section alike. The names in `validate()` are the recipe's keys.
public struct BenchmarkSettings: Equatable, Sendable {
    /// Batch sizes whose latency is measured, each >= 1; the chart shows one series per size.
    public var batchSizes: [Int]
    /// Untimed forward passes before the timed ones, per model and batch size (caches, allocator, thread pool).
    public var warmup: Int
    /// Timed forward passes per model and batch size; the percentiles are taken over these.
    public var iterations: Int
    /// Samples per forward pass when measuring accuracy over the whole data set.
    public var evaluationBatchSize: Int

    public init(batchSizes: [Int] = [1, 32], warmup: Int = 20, iterations: Int = 200, evaluationBatchSize: Int = 128) {
        self.batchSizes = batchSizes
        self.warmup = warmup
        self.iterations = iterations
        self.evaluationBatchSize = evaluationBatchSize
    }

    /// - Throws: the first setting out of range.
    public func validate() throws(SettingError) {
        guard !batchSizes.isEmpty else { throw SettingError("batch_sizes", "no batch sizes to measure") }
        if let bad = batchSizes.first(where: { $0 < 1 }) {
            throw SettingError("batch_sizes", "batch size \(bad) is not allowed; each must be at least 1")
        }
        if let index = batchSizes.indices.first(where: { batchSizes[..<$0].contains(batchSizes[$0]) }) {
            throw SettingError("batch_sizes", "batch size \(batchSizes[index]) is listed twice")
        }
        try SettingError.check("warmup", warmup, atLeast: 0)
        try SettingError.check("iterations", iterations, atLeast: 1)
        try SettingError.check("evaluation_batch_size", evaluationBatchSize, atLeast: 1)
    }
}
