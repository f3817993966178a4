import Models

/// Why a benchmark could not run at all, or why one model's row could not be measured.
public enum BenchmarkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data has no samples, or no labels to measure accuracy against.
    case unusableData(file: String, reason: String)
    /// Settings out of range (a batch size of 0, no iterations).
    case invalidSettings(SettingError)
    /// A checkpoint that cannot be read, or that does not fit the data; `reason` is the full message.
    case modelFailed(file: String, reason: String)
    /// A report file cannot be written; the message names it.
    case cannotWrite(String)

    public var description: String {
        switch self {
        case let .unusableData(file, reason): "\(file): \(reason)"
        case let .invalidSettings(error): "\(error)"
        case let .modelFailed(_, reason): reason
        case let .cannotWrite(message): message
        }
    }
}
