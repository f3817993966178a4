import Checkpoint
import Foundation
import Models
import Testing
import TestSupport
@testable import Pruning

@Suite struct PrunerTests {
    @Test func halfTheHeadsGoAndTheRecordedStructureRoundTrips() throws {
        let model = FusionModel(config: pruningConfig, seed: 3)
        let data = try randomDataset(pruningConfig, count: 6, seed: 1)
        let pruner = Pruner(options: PruningOptions(heads: 0.5, keepTokens: 0.5, afterLayer: 1, mlp: 0.25, samples: 6), calibration: data)
        let pruned = try pruner.run(model, original: model.config)
        let config = pruned.config
        #expect((config.visionHeadCounts + config.textHeadCounts + [config.fusionHeadCount]).reduce(0, +) == 7)   // 14 heads → 7
        #expect(config.visionMLPHiddenSizes == [24, 24] && config.textMLPHiddenSizes == [12])
        #expect(config.visionTokenKeep == VisionTokenKeep(afterLayer: 1, keep: 8))

        // The config survives JSON, and the checkpoint gives back the same model.
        #expect(try ModelConfig.decode(json: Data(config.jsonString().utf8)) == config)
        let folder = try TemporaryDirectory()
        let url = folder.file("pruned.h5")
        var record = PruningRecord(originalConfig: pruningConfig, heads: 0.5, headsMethod: "importance", keepTokens: 0.5, afterLayer: 1,
                                   mlp: 0.25, steps: 1, calibration: "random.h5", samples: 6, seed: 0, teacher: nil, recoverEpochs: 0)
        record.accuracyPruned = 0.25
        let metadata = CheckpointMetadata(config: config, provenance: Provenance(command: "test", source: "test", toolVersion: "0"),
                                          pruning: record)
        try CheckpointFile.write(model: pruned, metadata: metadata, to: url)
        let (loaded, loadedMetadata) = try CheckpointFile.loadModel(from: url)
        #expect(loadedMetadata == metadata)
        let input = randomInput(pruningConfig, batch: 3, length: 6, seed: 4)
        #expect(loaded.predict(input).storage == pruned.predict(input).storage)
    }

    @Test func gradualRoundsReachTheSameTargets() throws {
        let model = FusionModel(config: pruningConfig, seed: 3)
        let data = try randomDataset(pruningConfig, count: 4, seed: 1)
        var rounds: [ModelConfig] = []
        let pruned = try Pruner(options: PruningOptions(heads: 0.5, keepTokens: 0.5, mlp: 0.5, steps: 2, samples: 4), calibration: data)
            .run(model, original: model.config) { current, _ in rounds.append(current.config) }
        #expect(rounds.count == 2)
        #expect(rounds[0].visionMLPHiddenSizes == [24, 24] && rounds[0].visionTokenKeep?.keep == 12)
        #expect(pruned.config.visionMLPHiddenSizes == [16, 16] && pruned.config.visionTokenKeep?.keep == 8)
        #expect((pruned.config.visionHeadCounts + pruned.config.textHeadCounts + [pruned.config.fusionHeadCount]).reduce(0, +) == 7)
    }

    @Test func badRequestsFailBeforeAnyWork() throws {
        let model = FusionModel(config: pruningConfig, seed: 3)
        let data = try randomDataset(pruningConfig, count: 4, seed: 1)
        func failure(_ options: PruningOptions, _ data: MultimodalDataset) -> String? {
            do {
                _ = try Pruner(options: options, calibration: data).run(model, original: model.config)
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(failure(PruningOptions(heads: 1), data) == "--heads: expected a fraction in [0, 1), got 1.0")
        #expect(failure(PruningOptions(heads: -0.1), data)?.hasPrefix("--heads:") == true)
        #expect(failure(PruningOptions(mlp: 1.5), data)?.hasPrefix("--mlp:") == true)
        #expect(failure(PruningOptions(keepTokens: 0), data)?.hasPrefix("--keep-tokens:") == true)
        #expect(failure(PruningOptions(keepTokens: 0.5, afterLayer: 3), data)?.hasPrefix("--after-layer:") == true)
        // 14 heads in 4 layers: at most 10 can go, 0.8 asks for 11.
        #expect(failure(PruningOptions(heads: 0.8), data)?.contains("each of the 4 attention layers must keep one") == true)
        let wrongImages = try randomDataset(pruningConfig, count: 4, seed: 1, imageSize: 16)
        #expect(failure(PruningOptions(heads: 0.5), wrongImages)?.contains("image_size") == true)
    }
}
