import Models

/// How a cascade is calibrated: `condenser cascade`'s options and a recipe's `cascade` section alike.
public struct CascadeSettings: Sendable, Equatable {
    /// Keep at least this fraction of the teacher's accuracy on the calibration data, in (0, 1] (`retain`).
    public var retain: Double
    /// The signal; nil: the one needing the smallest teacher share on the calibration data (`signal`: `auto`).
    public var signal: CascadeSignal?

    public init(retain: Double = 0.99, signal: CascadeSignal? = nil) {
        self.retain = retain
        self.signal = signal
    }

    /// - Throws: the first setting out of range.
    public func validate() throws(SettingError) {
        guard retain > 0 && retain <= 1 else {
            throw SettingError("retain", "expected a fraction of the teacher's accuracy in (0, 1], got \(SettingError.text(retain))")
        }
    }
}
