import Testing
@testable import Benchmarking

/// Nearest-rank percentiles against ranks worked out by hand.
@Suite struct LatencyStatisticsTests {
    @Test func tenSamples() {
        // Sorted: 1 … 10. p50: ⌈5⌉ = 5th → 5; p90: ⌈9⌉ = 9th → 9; p99: ⌈9.9⌉ = 10th → 10.
        let sorted = (1...10).map(Double.init)
        #expect(LatencyStatistics.percentile(sorted, percent: 50) == 5)
        #expect(LatencyStatistics.percentile(sorted, percent: 90) == 9)
        #expect(LatencyStatistics.percentile(sorted, percent: 99) == 10)
    }

    @Test func twoHundredSamples() {
        // p50 is the 100th, p90 the 180th, p99 the 198th smallest; values are 0.5·rank.
        let sorted = (1...200).map { Double($0) / 2 }
        #expect(LatencyStatistics.percentile(sorted, percent: 50) == 50)
        #expect(LatencyStatistics.percentile(sorted, percent: 90) == 90)
        #expect(LatencyStatistics.percentile(sorted, percent: 99) == 99)
    }

    @Test func fewSamplesRoundTheRankUp() {
        // n = 3: p50 → ⌈1.5⌉ = 2nd, p90 → ⌈2.7⌉ = 3rd. n = 1: every percentile is the sample.
        #expect(LatencyStatistics.percentile([1, 2, 3], percent: 50) == 2)
        #expect(LatencyStatistics.percentile([1, 2, 3], percent: 90) == 3)
        #expect(LatencyStatistics.percentile([7], percent: 1) == 7)
        #expect(LatencyStatistics.percentile([7], percent: 99) == 7)
    }

    @Test func secondsBecomeMillisecondsInAnyOrder() {
        // Unsorted seconds 0.004, 0.001, 0.003, 0.002 → sorted 1…4 ms; p50 = 2nd = 2 ms, p90 = p99 = 4th = 4 ms.
        let statistics = LatencyStatistics(seconds: [0.004, 0.001, 0.003, 0.002])
        #expect(statistics == LatencyStatistics(p50: 2, p90: 4, p99: 4, iterations: 4))
    }
}
