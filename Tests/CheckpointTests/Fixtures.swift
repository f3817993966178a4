import Checkpoint
import Foundation
import Models

/// A model small enough that writing and reading it takes milliseconds.
enum Fixtures {
    static let config = ModelConfig(imageSize: 8, patchSize: 4, visionDim: 16, visionDepth: 1, visionHeads: 2,
                                    vocabSize: 16, maxTextLen: 8, textDim: 16, textDepth: 1, textHeads: 2,
                                    fusionDim: 16, fusionHeads: 2, numClasses: 4)

    static func model(seed: UInt64 = 7) -> FusionModel { FusionModel(config: config, seed: seed) }

    static let provenance = Provenance(command: "condenser distill --teacher t.h5", source: "checkpoints/teacher.h5",
                                       toolVersion: "0.1.0-test", time: "2025-01-31T12:00:00Z")

    static func metadata(metrics: [String: Double]? = ["accuracy": 0.875, "loss": 0.3125]) -> CheckpointMetadata {
        CheckpointMetadata(config: config, provenance: provenance, metrics: metrics)
    }

    /// A written checkpoint of `model(seed:)`.
    static func checkpoint(at url: URL, seed: UInt64 = 7) throws -> FusionModel {
        let model = model(seed: seed)
        try CheckpointFile.write(model: model, metadata: metadata(), to: url)
        return model
    }
}
