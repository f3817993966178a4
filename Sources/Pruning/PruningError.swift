import Models

/// Errors of pruning requests; each names the setting or file it is about.
public enum PruningError: Error, Equatable, CustomStringConvertible {
    /// A setting is out of range, or asks what the model cannot give (every head of a layer).
    case invalidSetting(SettingError)
    /// The calibration (or training) data cannot be used with the model.
    case unusableData(file: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidSetting(error): error.setting.isEmpty ? "cannot prune: \(error.reason)" : "\(error)"
        case let .unusableData(file, reason): "\(file): \(reason)"
        }
    }
}
