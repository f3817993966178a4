/// What `Benchmark` measures, and how often.
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

    /// - Throws: `.invalidSettings` naming the first value out of range.
    public func validate() throws(BenchmarkError) {
        guard !batchSizes.isEmpty else { throw .invalidSettings("no batch sizes to measure") }
        if let bad = batchSizes.first(where: { $0 < 1 }) {
            throw .invalidSettings("batch size \(bad) is not allowed; each must be at least 1")
        }
        if let index = batchSizes.indices.first(where: { batchSizes[..<$0].contains(batchSizes[$0]) }) {
            throw .invalidSettings("batch size \(batchSizes[index]) is listed twice")
        }
        guard warmup >= 0 else { throw .invalidSettings("warm-up must be at least 0, got \(warmup)") }
        guard iterations >= 1 else { throw .invalidSettings("iterations must be at least 1, got \(iterations)") }
        guard evaluationBatchSize >= 1 else {
            throw .invalidSettings("evaluation batch size must be at least 1, got \(evaluationBatchSize)")
        }
    }
}
