/// A failure the CLI reports as one line; each case names the file or option it is about.
enum CommandError: Error, CustomStringConvertible {
    /// The output path may not be written: it is an input, not a regular file, or exists without `--overwrite`.
    case refusedOutput(path: String, reason: String)
    /// An input file that cannot serve this command.
    case unusableInput(file: String, reason: String)
    /// An option out of range, or asking what the model cannot give (`--heads: …`).
    case invalidOption(String)
    /// Some checkpoints could not be benchmarked (the report was still written).
    case benchFailed(failed: Int, of: Int, failures: [String])
    /// A command that runs as one process was launched by `mpirun` with several ranks.
    case notDataParallel(command: String, ranks: Int, reason: String)
    /// Any error, as the one line the user sees (see `oneLine`).
    case oneLine(String)

    var description: String {
        switch self {
        case let .refusedOutput(path, reason): "\(path): \(reason)"
        case let .unusableInput(file, reason): "\(file): \(reason)"
        case let .invalidOption(message): message
        case let .benchFailed(failed, total, failures):
            "\(failed) of \(total) checkpoints could not be benchmarked: " + failures.joined(separator: "; ")
        case let .notDataParallel(command, ranks, reason):
            "condenser \(command) does not run under mpirun (\(ranks) ranks): \(reason). Run it without mpirun; "
                + "only `distill` and `train` run data-parallel"
        case let .oneLine(text): text
        }
    }
}
