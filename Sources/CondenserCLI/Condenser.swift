import ArgumentParser
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
                      InitCommand.self, InspectCommand.self, PredictCommand.self, EvalCommand.self, BenchCommand.self])

    static func main() {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}

/// The command line as typed, for provenance records.
var commandLine: String { (["condenser"] + CommandLine.arguments.dropFirst()).joined(separator: " ") }
