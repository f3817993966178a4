import ArgumentParser
import Distributed
import Foundation
import Hardware
import Logging

/// `condenser`: compress image + text fusion models.
@main
struct Condenser: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "condenser",
        abstract: "Compress image + text fusion models: distill, prune, quantize, benchmark.",
        version: version,
        subcommands: [DistillCommand.self, TrainCommand.self, PruneCommand.self, QuantizeCommand.self, DataCommand.self,
                      InitCommand.self, InspectCommand.self, PredictCommand.self, EvalCommand.self, BenchCommand.self,
                      CascadeCommand.self, MonitorCommand.self])

    /// `CONDENSER_LOG_LEVEL` (trace, debug, info, notice, warning, error, critical; default info).
    static let logLevel = ProcessInfo.processInfo.environment["CONDENSER_LOG_LEVEL"]
        .flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info

    static func main() {
        // A child reading an HDF5 file for its parent does only that.
        HDF5Sandbox.walkIfAsked()
        // Before OpenBLAS starts its threads: this may execute the process again on a better BLAS core.
        let blasCore = BLASCoreSelection.applyAtStartup()
        HDF5Sandbox.install()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: "condenser")
        logger.debug("\(blasCore.description)")
        if let notice = blasCore.notice { logger.notice("\(notice)") }
        do {
            var command = try parseAsRoot()
            try refuseUnderMPI(command)
            try command.run()
        } catch {
            let error = oneLine(error)
            guard ProcessGroup.launchedSize > 1 else { exit(withError: error) }
            // Under mpirun every rank says what stopped it (rank 0 as usual), and none waits forever for another.
            let group = ProcessGroup.world
            let message = fullMessage(for: error)
            if !message.isEmpty {
                FileHandle.standardError.write(Data(((group.rank == 0 ? "" : "rank \(group.rank): ") + message + "\n").utf8))
            }
            group.exit(code: exitCode(for: error).rawValue)
        }
    }

    /// Only the commands that train run data-parallel; the others would repeat their work on every
    /// rank (or, for bench, measure ranks competing for the cores), so they refuse.
    static func refuseUnderMPI(_ command: ParsableCommand) throws {
        let ranks = ProcessGroup.launchedSize
        guard ranks > 1, !(command is DistillCommand || command is TrainCommand) else { return }
        let name = type(of: command).configuration.commandName ?? "this command"
        let reason = command is BenchCommand || command is CascadeCommand
            ? "latencies measured while \(ranks) processes share the machine mean nothing"
            : "it runs as one process, so every rank would repeat the same work and write the same files"
        throw CommandError.notDataParallel(command: name, ranks: ranks, reason: reason)
    }
}

/// The command line as typed, for provenance records.
var commandLine: String { (["condenser"] + CommandLine.arguments.dropFirst()).joined(separator: " ") }
