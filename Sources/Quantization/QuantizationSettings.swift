import Models

/// Settings of one int8 post-training quantization: `condenser quantize`'s options and a recipe's
/// `quantize` section alike. The names in `validate()` are the recipe's keys.
public struct QuantizationSettings: Sendable, Equatable {
    /// How each product's input scale is found.
    public enum Mode: String, CaseIterable, Sendable {
        /// One scale per input, calibrated with `calibration` on calibration data.
        case `static`
        /// A scale per input row, computed at run time.
        case dynamic
    }

    /// `mode`.
    public var mode: Mode
    /// How static mode picks each input's range (`calibration`, with `percentile` for the percentile method).
    public var calibration: CalibrationMethod
    /// Calibration samples (the first ones of the calibration data) (`samples`).
    public var samples: Int
    /// Largest accuracy loss allowed, in percentage points; nil: quantize every product (`max_drop`).
    public var maxDrop: Double?
    /// Samples per forward pass.
    public var batchSize: Int

    public init(mode: Mode = .static, calibration: CalibrationMethod = .percentile(99.99), samples: Int = 512,
                maxDrop: Double? = nil, batchSize: Int = 64) {
        self.mode = mode
        self.calibration = calibration
        self.samples = samples
        self.maxDrop = maxDrop
        self.batchSize = batchSize
    }

    /// - Throws: the first setting out of range.
    public func validate() throws(SettingError) {
        if case let .percentile(p) = calibration, !(p > 0 && p <= 100) {
            throw SettingError("percentile", "expected a number > 0 and <= 100, got \(SettingError.text(p))")
        }
        try SettingError.check("samples", samples, atLeast: 1)
        try SettingError.check("batch_size", batchSize, atLeast: 1)
        if let maxDrop { try SettingError.check("max_drop", maxDrop, atLeast: 0) }
    }
}
