import Foundation
import TensorCore

/// How static quantization picks each input's range from its calibration histogram. Every
/// method chooses a threshold t on |x| and quantizes [max(min, −t), min(max, t)] onto the 256
/// codes (a one-sided input keeps all codes on its side).
public enum CalibrationMethod: Equatable, Sendable {
    /// t = max|x|: nothing clipped.
    case minMax
    /// t = the given percentile (0 < p ≤ 100) of |x|.
    case percentile(Double)
    /// t minimising the expected squared error: clipping error outside, step²/12 inside.
    case meanSquaredError
    /// t minimising the KL divergence between the |x| histogram clipped at t and the same
    /// histogram merged into as many levels as the codes give [0, t] (TensorRT's entropy
    /// calibration, with levels counted for the asymmetric range rather than a fixed 128).
    case entropy

    /// The methods by the names recipes, flags and checkpoint records give them.
    public enum Name: String, CaseIterable, Sendable {
        case percentile, minmax, mse, entropy
    }

    /// The method called `name`, with `percentile` for the percentile method.
    public init(_ name: Name, percentile: Double) {
        switch name {
        case .minmax: self = .minMax
        case .percentile: self = .percentile(percentile)
        case .mse: self = .meanSquaredError
        case .entropy: self = .entropy
        }
    }

    public var name: Name {
        switch self {
        case .minMax: .minmax
        case .percentile: .percentile
        case .meanSquaredError: .mse
        case .entropy: .entropy
        }
    }

    /// The input quantization this method chooses for `histogram`.
    public func quantization(for histogram: ActivationHistogram) -> ActivationQuantization {
        let (low, high) = histogram.range(clippedAt: threshold(for: histogram))
        return ActivationQuantization(low: low, high: high)
    }

    /// The clipping threshold t on |x|.
    public func threshold(for histogram: ActivationHistogram) -> Float {
        let largest = histogram.largestMagnitude
        guard largest > 0, histogram.total > 0 else { return largest }
        switch self {
        case .minMax:
            return largest
        case let .percentile(p):
            return Self.percentileThreshold(histogram, fraction: p / 100)
        case .meanSquaredError:
            let candidates = (1...200).map { largest * Float($0) / 200 }
            return candidates.min { Self.expectedSquaredError(histogram, $0) < Self.expectedSquaredError(histogram, $1) }!
        case .entropy:
            return Self.entropyThreshold(histogram)
        }
    }

    /// The upper edge of the first bin at which the cumulative |x| count reaches `fraction`.
    static func percentileThreshold(_ h: ActivationHistogram, fraction: Double) -> Float {
        let target = fraction * h.total
        var cumulative = 0.0
        for (i, count) in h.counts.enumerated() {
            cumulative += count
            if cumulative >= target { return Float(i + 1) * h.binWidth }
        }
        return h.largestMagnitude
    }

    /// Expected squared quantization error of the histogram's values with threshold t, taking
    /// the values in each bin at its centre, with their sign split as in [min, max].
    static func expectedSquaredError(_ h: ActivationHistogram, _ t: Float) -> Double {
        let (low, high) = h.range(clippedAt: t)
        let q = ActivationQuantization(low: low, high: high)
        let step = Double(q.scale), inside = step * step / 12
        let representable = q.range
        var error = 0.0
        for (i, count) in h.counts.enumerated() where count > 0 {
            let magnitude = (Float(i) + 0.5) * h.binWidth
            // A bin of |x| holds values of both signs only as far as [min, max] reaches.
            let negative = -magnitude >= h.minimum, positive = magnitude <= h.maximum
            let sides = [positive ? magnitude : nil, negative ? -magnitude : nil].compactMap { $0 }
            for x in sides {
                let clipped = min(max(x, representable.lowerBound), representable.upperBound)
                let e = x == clipped ? inside : Double(x - clipped) * Double(x - clipped)
                error += count / Double(sides.count) * e
            }
        }
        return error
    }

    static func entropyThreshold(_ h: ActivationHistogram) -> Float {
        var best = (divergence: Double.infinity, bins: h.counts.count)
        for bins in stride(from: 128, through: h.counts.count, by: 16) {
            let t = Float(bins) * h.binWidth
            let (low, high) = h.range(clippedAt: t)
            let levels = max(1, min(bins, Int((t / ((high - low) / Float(ActivationQuantization.maximumCode))).rounded())))
            var reference = Array(h.counts[0..<bins])
            reference[bins - 1] += h.counts[bins...].reduce(0, +)
            // Merge the first `bins` bins into `levels` groups; spread each group's total over its non-empty bins.
            var candidate = [Double](repeating: 0, count: bins)
            for level in 0..<levels {
                let range = (level * bins / levels)..<((level + 1) * bins / levels)
                let nonEmpty = range.filter { h.counts[$0] > 0 }.count
                guard nonEmpty > 0 else { continue }
                let share = range.reduce(0.0) { $0 + h.counts[$1] } / Double(nonEmpty)
                for i in range where h.counts[i] > 0 { candidate[i] = share }
            }
            let p = reference.reduce(0, +), q = candidate.reduce(0, +)
            guard p > 0, q > 0 else { continue }
            var divergence = 0.0
            for i in 0..<bins where reference[i] > 0 {
                let pi = reference[i] / p
                let qi = candidate[i] / q
                divergence += qi > 0 ? pi * (pi / qi).logarithm : pi * 50  // an empty level costs a lot
            }
            if divergence < best.divergence { best = (divergence, bins) }
        }
        return Float(best.bins) * h.binWidth
    }
}

private extension Double {
    var logarithm: Double { Foundation.log(self) }
}
