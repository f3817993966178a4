import Models

/// Why a quantization cannot run; each names the file or setting at fault.
public enum QuantizationError: Error, Equatable, Sendable, CustomStringConvertible {
    case alreadyInt8(file: String)
    case needsCalibrationData
    case invalidSetting(SettingError)

    public var description: String {
        switch self {
        case let .alreadyInt8(file): "\(file): already an int8 checkpoint; quantize its float32 source instead"
        case .needsCalibrationData: "static quantization needs calibration data; give some, or quantize dynamically"
        case let .invalidSetting(error): "\(error)"
        }
    }
}
