/// Errors of pruning requests; each names the option or model part it is about.
public enum PruningError: Error, Equatable, CustomStringConvertible {
    /// An option's value is out of range (`--heads 1.2`).
    case invalidOption(name: String, reason: String)
    /// The request cannot be met by the model (every head of a layer, a token policy on a model without vision layers).
    case impossible(reason: String)
    /// The calibration (or training) data cannot be used with the model.
    case unusableData(file: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidOption(name, reason): "\(name): \(reason)"
        case let .impossible(reason): "cannot prune: \(reason)"
        case let .unusableData(file, reason): "\(file): \(reason)"
        }
    }
}
