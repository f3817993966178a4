import Evaluation
import Checkpoint
import Datasets
import Foundation
import Models
@testable import Quantization
import TensorCore
import TestSupport
import Testing


let tinyConfig = ModelConfig(imageSize: 32, patchSize: 8, visionDim: 16, visionDepth: 1, visionHeads: 2,
                             vocabSize: 64, maxTextLen: 16, textDim: 16, textDepth: 1, textHeads: 2,
                             fusionDim: 16, fusionHeads: 2, numClasses: 32)

/// `data` relabelled with `model`'s own predictions, so the float model scores exactly 100%.
func selfLabelled(_ data: MultimodalDataset, by model: FusionModel) throws -> MultimodalDataset {
    let logits = Evaluation.logits(of: model, on: data, batchSize: 64)
    let labels = Evaluation.predictions(logits: logits, classes: model.config.numClasses).map(Int32.init)
    return try MultimodalDataset(images: data.images, count: data.count, imageHeight: data.imageHeight, imageWidth: data.imageWidth,
                                 tokens: data.tokens, textLength: data.textLength, labels: labels,
                                 vocab: data.vocab, answers: data.answers, source: data.source)
}

@Suite struct PostTrainingQuantizationTests {
    let data = ShapesGenerator.generate(count: 96, seed: 4)

    @Test(arguments: [QuantizationSettings(mode: .static, calibration: .percentile(99.99), samples: 64),
                      QuantizationSettings(mode: .dynamic, samples: 64)])
    func int8LogitsStayCloseToFloat(settings: QuantizationSettings) {
        let model = FusionModel(config: tinyConfig, seed: 2)
        let reference = Evaluation.logits(of: model, on: data, batchSize: 32)
        _ = PostTrainingQuantization.quantize(model, settings: settings,
                                              calibration: data, evaluation: nil)
        for (name, layer) in model.quantizableLayers {
            #expect(layer.int8 != nil, "\(name) was not quantized")
            #expect((layer.int8?.input == nil) == (settings.mode == .dynamic), "\(name)")
        }
        let quantized = Evaluation.logits(of: model, on: data, batchSize: 32)
        let spread = reference.map { abs($0) }.max()!
        let worst = zip(quantized, reference).map { abs($0 - $1) }.max()!
        #expect(worst < 0.05 * spread, "largest logit change \(worst) against logits up to \(spread)")
        #expect(worst > 0)  // the int8 path really ran
    }

    @Test func fallbackKeepsTheMostHarmfulLayersInFloatUntilTheTargetHolds() throws {
        let model = FusionModel(config: tinyConfig, seed: 3)
        let labelled = try selfLabelled(data, by: model)
        // Clipping every input at its 20th percentile ruins the int8 model, so layers must go back.
        let settings = QuantizationSettings(mode: .static, calibration: .percentile(20), samples: 64, maxDrop: 1)
        let outcome = PostTrainingQuantization.quantize(model, settings: settings, calibration: labelled, evaluation: labelled)
        #expect(outcome.floatAccuracy == 1)
        #expect(outcome.metTarget == true)
        #expect((1 - outcome.int8Accuracy!) * 100 <= 1)
        #expect(!outcome.floatLayers.isEmpty)
        // Layers went back most harmful first, and exactly those are float now.
        #expect(outcome.floatLayers == outcome.harm.prefix(outcome.floatLayers.count).map(\.name))
        let harms = outcome.harm.map(\.meanSquaredLogitChange)
        #expect(harms == harms.sorted(by: >))
        let floatNow = Set(model.quantizableLayers.filter { $0.layer.int8 == nil }.map(\.name))
        #expect(floatNow == Set(outcome.floatLayers))
        // And the accuracy reported is the model's accuracy as left.
        let logits = Evaluation.logits(of: model, on: labelled, batchSize: 64)
        #expect(Evaluation.accuracy(logits: logits, classes: 32, labels: labelled.labels!) == outcome.int8Accuracy)
    }
}

@Suite struct Int8CheckpointTests {
    let data = ShapesGenerator.generate(count: 64, seed: 5)

    func quantizedCheckpoint(_ folder: TemporaryDirectory, mode: QuantizationSettings.Mode,
                             calibration method: CalibrationMethod = .minMax, maxDrop: Double? = nil) throws -> URL {
        let source = folder.file("model.h5"), output = folder.file("model-int8.h5")
        let provenance = Provenance(command: "test", source: "test", toolVersion: "test")
        try CheckpointFile.write(model: FusionModel(config: tinyConfig, seed: 6),
                                 metadata: CheckpointMetadata(config: tinyConfig, provenance: provenance), to: source)
        _ = try CheckpointQuantizer.run(input: source, output: output,
                                        settings: QuantizationSettings(mode: mode, calibration: method, samples: 32, maxDrop: maxDrop),
                                        calibration: data.named("calibration"), evaluation: nil, provenance: provenance)
        return output
    }

    @Test(arguments: [QuantizationSettings.Mode.static, .dynamic])
    func int8CheckpointsRoundTrip(mode: QuantizationSettings.Mode) throws {
        let folder = try TemporaryDirectory()
        let url = try quantizedCheckpoint(folder, mode: mode, calibration: .meanSquaredError)
        let (model, metadata) = try CheckpointFile.loadModel(from: url)
        #expect(metadata.precision == .int8)
        #expect(metadata.quantization?.mode == (mode == .dynamic ? "dynamic" : "static"))
        // Saving the loaded model again gives the same codes, scales and logits.
        let again = folder.file("again.h5")
        try CheckpointFile.write(model: model, metadata: metadata, to: again)
        let (reloaded, _) = try CheckpointFile.loadModel(from: again)
        for ((name, a), (_, b)) in zip(model.quantizableLayers, reloaded.quantizableLayers) {
            let (qa, qb) = (try #require(a.int8, "\(name)"), try #require(b.int8, "\(name)"))
            #expect(qa.weights.values == qb.weights.values && qa.weights.scales == qb.weights.scales, "\(name)")
            #expect(qa.input == qb.input, "\(name)")
        }
        let input = data.batch(0..<16).input
        #expect(model.predict(input).storage == reloaded.predict(input).storage)
    }

    @Test func badInt8CheckpointsAndRequestsAreRefused() throws {
        let folder = try TemporaryDirectory()
        let url = try quantizedCheckpoint(folder, mode: .static)
        let provenance = Provenance(command: "test", source: "test", toolVersion: "test")
        #expect(throws: QuantizationError.alreadyInt8(file: url.path)) {
            try CheckpointQuantizer.run(input: url, output: folder.file("x.h5"), settings: QuantizationSettings(mode: .dynamic),
                                        calibration: nil, evaluation: nil, provenance: provenance)
        }
        let source = folder.file("model.h5")
        #expect(throws: QuantizationError.needsCalibrationData) {
            try CheckpointQuantizer.run(input: source, output: folder.file("x.h5"),
                                        settings: QuantizationSettings(mode: .static, calibration: .minMax),
                                        calibration: nil, evaluation: nil, provenance: provenance)
        }
        #expect(throws: QuantizationError.self) {
            try CheckpointQuantizer.run(input: source, output: folder.file("x.h5"),
                                        settings: QuantizationSettings(mode: .dynamic, samples: 0),
                                        calibration: nil, evaluation: nil, provenance: provenance)
        }
        let wrongSize = ShapesGenerator.generate(count: 4, seed: 1)  // 32×32 images fit; change the classes instead
        let otherConfig = ModelConfig(imageSize: 32, patchSize: 8, visionDim: 16, visionDepth: 1, visionHeads: 2,
                                      vocabSize: 8, maxTextLen: 16, textDim: 16, textDepth: 1, textHeads: 2,
                                      fusionDim: 16, fusionHeads: 2, numClasses: 32)
        try CheckpointFile.write(model: FusionModel(config: otherConfig, seed: 1),
                                 metadata: CheckpointMetadata(config: otherConfig, provenance: provenance),
                                 to: folder.file("small-vocab.h5"))
        #expect(throws: CheckpointError.self) {
            try CheckpointQuantizer.run(input: folder.file("small-vocab.h5"), output: folder.file("x.h5"),
                                        settings: QuantizationSettings(mode: .static, calibration: .minMax),
                                        calibration: wrongSize, evaluation: nil, provenance: provenance)
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("x.h5").path))
    }
}
