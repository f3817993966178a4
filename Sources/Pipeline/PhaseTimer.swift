import Foundation

/// Wall-clock seconds of each phase of a run, and of the whole run (`total`), as `distill.json` reports them.
final class PhaseTimer {
    private let started = Date()
    private(set) var seconds: [String: Double] = [:]

    /// Runs `body`, recording its seconds under `key`.
    func time<T>(_ key: String, _ body: () throws -> T) rethrows -> T {
        let start = Date()
        defer { seconds[key] = Date().timeIntervalSince(start) }
        return try body()
    }

    /// Every phase's seconds, with `total` since the timer was made.
    func finish() -> [String: Double] {
        seconds["total"] = Date().timeIntervalSince(started)
        return seconds
    }
}
