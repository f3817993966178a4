import Foundation

/// Axis ranges and ticks of the accuracy-against-latency chart.
enum ChartAxes {
    /// Powers of ten (as exponents) enclosing `values` (> 0): [floor(log₁₀ min), ceil(log₁₀ max)],
    /// at least one decade wide. 0.6 … 53 ms → -1 … 2 (0.1 to 100 ms).
    static func decades(enclosing values: [Double]) -> ClosedRange<Int> {
        guard let low = values.min(), let high = values.max(), low > 0 else { return -1...2 }
        let first = Int(log10(low).rounded(.down)), last = Int(log10(high).rounded(.up))
        return first...max(last, first + 1)
    }

    /// A percent range around `values` (percent) with round ticks, within 0…100: a margin of a tenth
    /// of the spread (at least 2 points) on each side, ends rounded out to the tick step.
    static func percentRange(enclosing values: [Double]) -> (range: ClosedRange<Double>, step: Double) {
        guard let low = values.min(), let high = values.max() else { return (0...100, 10) }
        let margin = max(2, (high - low) / 10)
        let span = high - low + 2 * margin
        let step = [1.0, 2, 5, 10, 20].first { span / $0 <= 8 } ?? 20
        let first = max(0, ((low - margin) / step).rounded(.down) * step)
        let last = min(100, ((high + margin) / step).rounded(.up) * step)
        return (first...max(last, first + step), step)
    }

    /// "0.01", "0.1", "1", "10", "1000" for 10^exponent.
    static func decadeLabel(_ exponent: Int) -> String {
        exponent >= 0 ? String(Int(pow(10, Double(exponent)))) : String(format: "%.\(-exponent)f", pow(10, Double(exponent)))
    }
}
