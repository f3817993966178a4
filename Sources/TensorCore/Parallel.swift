import Foundation

/// Splits loops across the cores for large GEMM, elementwise, normalisation and attention work.
public enum Parallel {
    /// Worker count for parallel loops; defaults to the active cores. Set it before running work:
    /// a new count replaces the pool.
    public static var threadCount: Int {
        get { pool.helperCount + 1 }
        set {
            guard max(1, newValue) != threadCount else { return }
            pool.stop()
            pool = WorkerPool(threads: max(1, newValue))
        }
    }

    nonisolated(unsafe) static var pool = WorkerPool(threads: ProcessInfo.processInfo.activeProcessorCount)

    /// "`setting` N is more than the C cores; figures will suffer" when `threads` oversubscribes the machine.
    public static func oversubscription(_ setting: String, threads: Int) -> String? {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return threads > cores ? "\(setting) \(threads) is more than the \(cores) cores; figures will suffer" : nil
    }

    /// Runs `body` with `threads` workers (nil: the current count), then restores the count.
    public static func withThreadCount<T>(_ threads: Int?, _ body: () throws -> T) rethrows -> T {
        let previous = threadCount
        if let threads { threadCount = threads }
        defer { threadCount = previous }
        return try body()
    }

    /// How many chunks `forEachChunk` makes: one per worker, but each at least `grain` items.
    public static func chunkCount(_ count: Int, grain: Int) -> Int {
        max(1, min(threadCount, count / max(grain, 1)))
    }

    /// Calls `body(chunk, range)` for `chunkCount` disjoint ranges covering `0..<count`, in
    /// parallel when there is more than one. `body` must only write memory its chunk owns.
    public static func forEachChunk(_ count: Int, grain: Int, _ body: (_ chunk: Int, _ range: Range<Int>) -> Void) {
        let chunks = chunkCount(count, grain: grain)
        if chunks == 1 {
            if count > 0 { body(0, 0..<count) }
            return
        }
        pool.run(chunks) { chunk in body(chunk, count * chunk / chunks..<count * (chunk + 1) / chunks) }
    }

    /// Calls `body` on disjoint ranges covering `0..<count`, in parallel when each worker gets at
    /// least `grain` items.
    public static func forEachRange(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        forEachChunk(count, grain: grain) { _, range in body(range) }
    }
}
