/// Latency of one model at one batch size: percentiles of the timed forward passes, in milliseconds.
///
/// Percentiles use the nearest-rank definition: the p-th percentile of n sorted samples x₁ ≤ … ≤ xₙ
/// is x_k with k = ⌈p·n / 100⌉, the smallest sample that at least p% of the samples do not exceed.
/// It is always one of the measured values (no interpolation). With 200 samples, p50 is the 100th,
/// p90 the 180th and p99 the 198th smallest.
public struct LatencyStatistics: Equatable, Sendable {
    /// Median, in milliseconds.
    public var p50: Double
    public var p90: Double
    public var p99: Double
    /// How many timed passes the percentiles are taken over.
    public var iterations: Int

    public init(p50: Double, p90: Double, p99: Double, iterations: Int) {
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.iterations = iterations
    }

    /// Statistics of wall-clock durations in seconds (at least one).
    public init(seconds: [Double]) {
        precondition(!seconds.isEmpty, "latency statistics need at least one sample")
        let sorted = seconds.sorted()
        self.init(p50: 1e3 * Self.percentile(sorted, percent: 50), p90: 1e3 * Self.percentile(sorted, percent: 90),
                  p99: 1e3 * Self.percentile(sorted, percent: 99), iterations: sorted.count)
    }

    /// Nearest-rank percentile of ascending `sorted` (non-empty), `percent` in 1...100:
    /// `sorted[⌈percent·n / 100⌉ − 1]`, in integer arithmetic so that no rounding moves the rank.
    public static func percentile(_ sorted: [Double], percent: Int) -> Double {
        precondition(!sorted.isEmpty && (1...100).contains(percent), "percentile of an empty list or outside 1...100")
        let rank = (percent * sorted.count + 99) / 100
        return sorted[rank - 1]
    }
}
