/// The `quantize` section: int8 post-training quantization of the final student (the pruned one
/// when the recipe prunes), calibrated on the training data and checked on the test data.
public struct QuantizeSection: Sendable, Equatable {
    public enum Mode: String, CaseIterable, Sendable { case `static`, dynamic }
    public enum Calibration: String, CaseIterable, Sendable { case percentile, minmax, mse, entropy }

    /// `mode`, default `static`.
    public var mode: Mode
    /// `calibration`, default `percentile` (static mode).
    public var calibration: Calibration
    /// `percentile` of |x| for percentile calibration, in (0, 100], default 99.99.
    public var percentile: Float
    /// `samples`: calibration samples, >= 1, default 512.
    public var samples: Int
    /// `max_drop`: the largest test-accuracy loss allowed, in points; absent: no fallback to float32.
    public var maxDrop: Float?

    public init(mode: Mode = .static, calibration: Calibration = .percentile, percentile: Float = 99.99,
                samples: Int = 512, maxDrop: Float? = nil) {
        self.mode = mode
        self.calibration = calibration
        self.percentile = percentile
        self.samples = samples
        self.maxDrop = maxDrop
    }
}

extension QuantizeSection {
    /// Reads the whole `quantize` object.
    init(reading reader: inout JSONObjectReader) throws(RecipeError) {
        let defaults = QuantizeSection()
        let mode = try reader.choice("mode", default: defaults.mode)
        let calibration = try reader.choice("calibration", default: defaults.calibration)
        let percentile = try reader.number("percentile", .above(0), default: defaults.percentile)
        guard percentile <= 100 else { throw reader.error("percentile", "expected a number > 0 and <= 100, got \(percentile)") }
        let samples = try reader.integer("samples", minimum: 1, maximum: 10_000_000, default: defaults.samples)
        let maxDrop = reader.contains("max_drop") ? try reader.number("max_drop", .atLeast(0)) : nil
        self.init(mode: mode, calibration: calibration, percentile: percentile, samples: samples, maxDrop: maxDrop)
        try reader.finish()
    }

    var json: JSONValue {
        var members: [String: JSONValue] = ["mode": .string(mode.rawValue), "calibration": .string(calibration.rawValue),
                                            "percentile": .number(percentile), "samples": .number(samples)]
        if let maxDrop { members["max_drop"] = .number(maxDrop) }
        return .object(members)
    }
}

extension JSONObjectReader {
    /// One of an enumeration's raw values. Absent → `defaultValue`.
    mutating func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, default defaultValue: Choice) throws(RecipeError) -> Choice
        where Choice.RawValue == String {
        guard let value = optional(key) else { return defaultValue }
        guard case let .string(text) = value, let choice = Choice(rawValue: text) else {
            let known = Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw error(key, "expected one of \(known), got \(value.quoted)")
        }
        return choice
    }
}
