import Checkpoint

/// Why a training run stopped early; each names the phase and, where there is one, the state file.
public enum TrainingError: Error, CustomStringConvertible {
    /// The loss became NaN or infinite; nothing of that step was saved.
    case nonFinite(phase: String, epoch: Int, step: Int, statePath: String?)
    /// Ctrl-C: the state after the last finished step is saved, so the run can resume.
    case interrupted(phase: String, statePath: String?)
    /// The resume state exists but belongs to other settings (another recipe, model or phase).
    case stateMismatch(file: String, reason: String)
    case file(CheckpointError)

    public var description: String {
        switch self {
        case let .nonFinite(phase, epoch, step, statePath):
            "\(phase): the loss became NaN or infinite at epoch \(epoch), step \(step); stopped without saving that step"
                + (statePath.map { ". The last good state (end of the previous epoch) is in \($0)" } ?? "")
                + ". Try a lower learning rate or stronger gradient clipping."
        case let .interrupted(phase, statePath):
            "\(phase): interrupted" + (statePath.map { "; state saved to \($0), resume the run to continue" } ?? "")
        case let .stateMismatch(file, reason):
            "\(file): cannot resume: \(reason). Delete it, or start the run over without resuming."
        case let .file(error): error.description
        }
    }
}
