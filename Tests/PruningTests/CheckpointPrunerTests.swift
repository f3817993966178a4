import Checkpoint
import Foundation
import Models
import Testing
import TestSupport
import Training
@testable import Pruning

/// The library call behind `condenser prune` and the recipe's prune phase: a checkpoint in, a
/// smaller checkpoint out with its record, or one error naming the setting and nothing written.
@Suite struct CheckpointPrunerTests {
    let provenance = Provenance(command: "test", source: "test", toolVersion: "test")

    func source(_ folder: TemporaryDirectory) throws -> URL {
        let url = folder.file("model.h5")
        try CheckpointFile.write(model: FusionModel(config: pruningConfig, seed: 3),
                                 metadata: CheckpointMetadata(config: pruningConfig, provenance: provenance), to: url)
        return url
    }

    @Test func writesThePrunedModelWithItsRecord() throws {
        let folder = try TemporaryDirectory()
        let data = try randomDataset(pruningConfig, count: 8, seed: 1)
        let settings = PruningSettings(heads: 0.25, mlp: 0.5, samples: 8)
        let outcome = try CheckpointPruner.run(input: try source(folder), output: folder.file("out.h5"), settings: settings,
                                               calibration: data, test: data, teacher: nil, provenance: provenance,
                                               progress: ProgressReporter(interactive: false, interval: 1e9))
        let (model, metadata) = try CheckpointFile.loadModel(from: folder.file("out.h5"))
        #expect(model.config == outcome.pruned.config && model.parameterCount < outcome.source.parameterCount)
        // 14 heads · 0.25 → 3 removed; every MLP keeps half its units.
        #expect(Pruner.headCounts(model.config).reduce(0, +) == 14 - 3)
        #expect(model.config.visionMLPHiddenSizes == [16, 16])
        let record = try #require(metadata.pruning)
        #expect(record == outcome.record && record.records(settings, of: pruningConfig))
        #expect(record.calibration == "random.h5" && record.samples == 8 && record.recoverEpochs == 0)
        #expect(metadata.metrics?["accuracy"] == record.accuracyPruned)
    }

    @Test func badRequestsNameTheSettingAndWriteNothing() throws {
        let folder = try TemporaryDirectory()
        let data = try randomDataset(pruningConfig, count: 8, seed: 1)
        func failure(_ settings: PruningSettings) throws -> String? {
            do {
                _ = try CheckpointPruner.run(input: try source(folder), output: folder.file("out.h5"), settings: settings,
                                             calibration: data, test: nil, teacher: nil, provenance: provenance,
                                             progress: ProgressReporter(interactive: false, interval: 1e9))
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(try failure(PruningSettings(heads: 0.9))?.hasPrefix("heads: removes 12 of the model's 14 heads") == true)
        #expect(try failure(PruningSettings(mlp: 0.5, recovery: TrainingSettings(epochs: 1, batchSize: 4, learningRate: 1e-3)))
                == "recover_epochs: recovery needs both a teacher and recover_epochs >= 1")
        #expect(try failure(PruningSettings())?.hasPrefix("cannot prune: nothing to prune") == true)
        #expect(!FileManager.default.fileExists(atPath: folder.file("out.h5").path))
    }
}
