import Testing
@testable import Benchmarking

/// The frontier of a hand-made set, worked out point by point.
@Suite struct ParetoFrontierTests {
    @Test func handMadeSet() {
        let points = [
            ParetoPoint(name: "A", latency: 1, accuracy: 0.5),
            ParetoPoint(name: "B", latency: 2, accuracy: 0.7),
            ParetoPoint(name: "C", latency: 2, accuracy: 0.6),    // B: as fast, more accurate
            ParetoPoint(name: "D", latency: 3, accuracy: 0.7),    // B: faster, as accurate
            ParetoPoint(name: "E", latency: 0.5, accuracy: 0.1),  // fastest of all
            ParetoPoint(name: "F", latency: 4, accuracy: 0.9),    // most accurate
            ParetoPoint(name: "G", latency: 1, accuracy: 0.5),    // equal to A: neither dominates
            ParetoPoint(name: "H", latency: 5, accuracy: 0.85),   // F: faster and more accurate
            ParetoPoint(name: "I", latency: 1.5, accuracy: 0.45), // A: faster and more accurate
        ]
        #expect(ParetoFrontier.frontier(of: points).map(\.name) == ["E", "A", "G", "B", "F"])
    }

    @Test func dominance() {
        let base = ParetoPoint(name: "x", latency: 2, accuracy: 0.5)
        #expect(ParetoPoint(name: "y", latency: 1, accuracy: 0.5).dominates(base))
        #expect(ParetoPoint(name: "y", latency: 2, accuracy: 0.6).dominates(base))
        #expect(!ParetoPoint(name: "y", latency: 2, accuracy: 0.5).dominates(base))
        #expect(!ParetoPoint(name: "y", latency: 1, accuracy: 0.4).dominates(base))
    }

    @Test func emptyAndSingle() {
        #expect(ParetoFrontier.frontier(of: []).isEmpty)
        let one = ParetoPoint(name: "only", latency: 3, accuracy: 0.2)
        #expect(ParetoFrontier.frontier(of: [one]) == [one])
    }
}
