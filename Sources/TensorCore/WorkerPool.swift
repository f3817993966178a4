import Foundation
import Synchronization

/// Fork–join workers for short parallel loops. Dispatch wakes a sleeping thread for every loop,
/// which costs tens of microseconds: more than a batch-1 layer's whole GEMM. These workers spin
/// for a while after each job, so back-to-back loops start in well under a microsecond, then sleep.
///
/// One job runs at a time. A call made while a job runs (nested, or from another thread, as
/// parallel tests do) runs serially on its own thread instead of waiting.
final class WorkerPool: @unchecked Sendable {
    /// Extra threads besides the caller's.
    let helperCount: Int

    private let generation = Atomic<Int>(0)
    private let nextChunk = Atomic<Int>(0)
    private let chunkLimit = Atomic<Int>(0)
    private let pending = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let sleepers = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    private let wake = NSCondition()
    /// The running job; written before `nextChunk` is released, read only after a chunk is claimed.
    private nonisolated(unsafe) var job: ((Int) -> Void)?

    /// Spin iterations before an idle worker sleeps (a few milliseconds: longer than the serial
    /// stretches between the parallel loops of a training step).
    private static let spinLimit = 2_000_000

    init(threads: Int) {
        helperCount = max(0, threads - 1)
        for index in 0..<helperCount {
            let thread = Thread { self.workerLoop() }
            thread.name = "condenser-worker-\(index)"
            thread.start()
        }
    }

    /// Ends the helper threads once they finish what they are doing; later calls run serially.
    func stop() {
        guard helperCount > 0 else { return }
        while !busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {}
        stopped.store(true, ordering: .sequentiallyConsistent)
        generation.add(1, ordering: .sequentiallyConsistent)
        wake.lock()
        wake.broadcast()
        wake.unlock()
    }

    /// Runs `body(chunk)` for every chunk in `0..<chunks` across the caller and the helpers.
    func run(_ chunks: Int, _ body: (Int) -> Void) {
        guard helperCount > 0, chunks > 1, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for chunk in 0..<chunks { body(chunk) }
            return
        }
        withoutActuallyEscaping(body) { body in
            job = body
            chunkLimit.store(chunks, ordering: .relaxed)
            pending.store(chunks, ordering: .relaxed)
            nextChunk.store(0, ordering: .releasing)
            generation.add(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wake.lock()
                wake.broadcast()
                wake.unlock()
            }
            participate()
            while pending.load(ordering: .acquiring) > 0 {}
            job = nil
        }
        busy.store(false, ordering: .releasing)
    }

    /// Claims and runs chunks until none are left.
    private func participate() {
        while true {
            let chunk = nextChunk.add(1, ordering: .acquiringAndReleasing).oldValue
            guard chunk < chunkLimit.load(ordering: .relaxed) else { return }
            job!(chunk)
            pending.subtract(1, ordering: .releasing)
        }
    }

    private func workerLoop() {
        var seen = generation.load(ordering: .acquiring)
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                if spins < Self.spinLimit { continue }
                // Sleep until the next job; the sequentially consistent pair (sleepers here,
                // generation in `run`) guarantees that either we see the new job or `run` wakes us.
                sleepers.add(1, ordering: .sequentiallyConsistent)
                wake.lock()
                while generation.load(ordering: .sequentiallyConsistent) == seen { wake.wait() }
                wake.unlock()
                sleepers.subtract(1, ordering: .sequentiallyConsistent)
            }
            if stopped.load(ordering: .sequentiallyConsistent) { return }
            seen = generation.load(ordering: .acquiring)
            participate()
        }
    }
}
