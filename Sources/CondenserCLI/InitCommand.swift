import ArgumentParser
import Checkpoint
import Foundation
import Models

/// `condenser init`: a randomly initialised model, deterministic for a seed.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a randomly initialised model checkpoint.")

    @Option(help: "Model config (JSON with image_size, patch_size, vision_dim, …).")
    var model: String
    @Option(help: "Seed of the initialisation; the same seed gives the same weights.")
    var seed: UInt64 = 0
    @Option(help: "Checkpoint to write (.h5).")
    var out: String
    @Flag(help: "Replace an existing checkpoint at --out.")
    var overwrite = false

    func run() throws {
        let config = try loadModelConfig(path: model)
        let url = URL(fileURLWithPath: out)
        try checkOutput(url, inputs: [model], overwrite: overwrite)
        let network = FusionModel(config: config, seed: seed)
        let provenance = Provenance(command: commandLine, source: model, toolVersion: Condenser.version)
        try CheckpointFile.write(model: network, metadata: CheckpointMetadata(config: config, provenance: provenance), to: url)
        print("wrote \(out): \(network.parameterCount.formatted()) parameters, seed \(seed)")
    }
}

/// Reads and validates a model config file; errors name the file and the key.
func loadModelConfig(path: String) throws -> ModelConfig {
    let data: Data
    do {
        data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
        throw CommandError.unusableInput(file: path, reason: "cannot read model config: \(error.localizedDescription)")
    }
    do {
        return try ModelConfig.decode(json: data)
    } catch {
        throw CommandError.unusableInput(file: path, reason: "\(error)")
    }
}
