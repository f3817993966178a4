/// Why a recipe run could not start or go on; each case names the recipe key, file or folder involved.
public enum PipelineError: Error, Equatable, CustomStringConvertible {
    /// A recipe value that passed parsing but cannot be run (`distill.curriculum[0].questions`).
    case invalidRecipe(key: String, reason: String)
    /// Data that cannot be used: no labels, or not fitting a model (`key` is `data.train`, `teacher.train.data`, …).
    case unusableData(key: String, reason: String)
    /// An existing checkpoint the recipe cannot use as it stands.
    case unusableCheckpoint(file: String, reason: String)
    /// The output folder cannot be created or locked.
    case outputFolder(path: String, reason: String)
    /// Another live run holds the output folder's lock.
    case outputFolderInUse(folder: String, holder: String, lock: String)
    /// A data-parallel run's rank 0, which alone writes files, could not write `path` (its own message says why).
    case writerFailed(path: String)
    /// The bench phase could not measure some checkpoints; each failure is described.
    case benchFailed([String])

    public var description: String {
        switch self {
        case let .invalidRecipe(key, reason): "\(key): \(reason)"
        case let .unusableData(key, reason): "\(key): \(reason)"
        case let .unusableCheckpoint(file, reason): "\(file): \(reason)"
        case let .outputFolder(path, reason): "\(path): \(reason)"
        case let .outputFolderInUse(folder, holder, lock):
            "\(folder): another run is using this output folder (pid \(holder.isEmpty ? "unknown" : holder), lock \(lock)); "
                + "wait for it, or give this recipe another \"output\""
        case let .writerFailed(path): "\(path): rank 0, which alone writes files, could not write it; its message says why"
        case let .benchFailed(failures):
            "bench: \(failures.count) checkpoint(s) could not be benchmarked: " + failures.joined(separator: "; ")
        }
    }
}
