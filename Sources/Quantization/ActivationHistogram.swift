/// The distribution of one product's input values over the calibration samples: exact min and
/// max, and a histogram of |x| in `binCount` equal bins over [0, max|x|] for the methods that
/// choose a clipping threshold.
public struct ActivationHistogram: Sendable {
    public static let binCount = 2048

    public private(set) var minimum: Float
    public private(set) var maximum: Float
    /// Counts of |x| per bin; bin i covers [i, i + 1) · binWidth (the last bin includes max|x|).
    public private(set) var counts: [Double]

    /// An empty histogram for values within [minimum, maximum] (from a first pass).
    public init(minimum: Float, maximum: Float) {
        self.minimum = minimum
        self.maximum = maximum
        counts = [Double](repeating: 0, count: Self.binCount)
    }

    public var largestMagnitude: Float { max(abs(minimum), abs(maximum)) }
    public var binWidth: Float { largestMagnitude > 0 ? largestMagnitude / Float(Self.binCount) : 1 }
    public var total: Double { counts.reduce(0, +) }

    /// Adds values; values beyond the first pass's range widen nothing and land in the last bin.
    public mutating func add(_ values: UnsafeBufferPointer<Float>) {
        let scale = 1 / binWidth, last = Self.binCount - 1
        for v in values { counts[min(last, Int(abs(v) * scale))] += 1 }
    }

    /// The input range clipped at ±threshold: [max(min, −t), min(max, t)].
    public func range(clippedAt threshold: Float) -> (low: Float, high: Float) {
        (max(minimum, -threshold), min(maximum, threshold))
    }
}
