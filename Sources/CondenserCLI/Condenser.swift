import ArgumentParser
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
            try command.run()
        } catch {
            exit(withError: oneLine(error))
        }
    }
}

/// The command line as typed, for provenance records.
var commandLine: String { (["condenser"] + CommandLine.arguments.dropFirst()).joined(separator: " ") }
