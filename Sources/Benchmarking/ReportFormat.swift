import Foundation

/// How the report writes its numbers for people (the table, report.md, the chart).
enum ReportFormat {
    /// "1.912" ms: microsecond resolution.
    static func milliseconds(_ value: Double) -> String { String(format: "%.3f", value) }

    /// "47.05%" from a fraction.
    static func percent(_ fraction: Double, decimals: Int = 2) -> String { String(format: "%.\(decimals)f%%", 100 * fraction) }

    /// "3.41×".
    static func factor(_ value: Double) -> String { String(format: "%.2f×", value) }

    /// "1,351,458".
    static func count(_ value: Int) -> String { value.formatted() }

    /// "5.41 MB", "812.3 kB", "96 B" (powers of 1000).
    static func bytes(_ value: Int) -> String {
        switch value {
        case 1_000_000...: String(format: "%.2f MB", Double(value) / 1e6)
        case 1_000...: String(format: "%.1f kB", Double(value) / 1e3)
        default: "\(value) B"
        }
    }

    /// "170.3" million FLOPs.
    static func megaFLOPs(_ value: Int) -> String { String(format: "%.1f", Double(value) / 1e6) }

    /// "523" samples/s, with a decimal below 100.
    static func rate(_ value: Double) -> String { String(format: value < 100 ? "%.1f" : "%.0f", value) }

    /// "1 thread", "2 threads".
    static func counted(_ value: Int, _ noun: String) -> String { "\(value) \(noun)\(value == 1 ? "" : "s")" }

    /// `value` rounded to `places` decimals, for machine-readable files without float noise.
    static func rounded(_ value: Double, places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (value * scale).rounded() / scale
    }
}
