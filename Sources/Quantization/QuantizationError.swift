/// Why a quantization cannot run; each names the file or option at fault.
public enum QuantizationError: Error, Equatable, Sendable, CustomStringConvertible {
    case alreadyInt8(file: String)
    case needsCalibrationData
    case invalidOption(name: String, reason: String)

    public var description: String {
        switch self {
        case let .alreadyInt8(file): "\(file): already an int8 checkpoint; quantize its float32 source instead"
        case .needsCalibrationData: "static quantization needs calibration data (--data), or use --mode dynamic"
        case let .invalidOption(name, reason): "\(name): \(reason)"
        }
    }
}
