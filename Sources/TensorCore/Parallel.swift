import Dispatch
import Foundation

/// Splits loops across the cores for large elementwise, normalisation and attention work.
public enum Parallel {
    /// Worker count for parallel loops; defaults to the active cores. Set before running work.
    nonisolated(unsafe) public static var threadCount = ProcessInfo.processInfo.activeProcessorCount

    /// Calls `body` on disjoint ranges covering `0..<count`, in parallel when each worker gets at
    /// least `grain` items. `body` must only write to locations owned by its range.
    @inlinable
    public static func forEachRange(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        let workers = min(threadCount, count / max(grain, 1))
        if workers <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        // Callers hand each worker a disjoint range of the memory they write, so sharing is safe.
        withoutActuallyEscaping(body) { body in
            let work = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                work.value(count * worker / workers..<count * (worker + 1) / workers)
            }
        }
    }
}

/// Carries a value into `@Sendable` work whose data races the caller rules out.
@usableFromInline
struct UncheckedSendable<Value>: @unchecked Sendable {
    @usableFromInline let value: Value
    @usableFromInline init(_ value: Value) { self.value = value }
}
