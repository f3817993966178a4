import Foundation
import Testing
import TestSupport
@testable import Models
@testable import TensorCore

let tinyConfig = ModelConfig(imageSize: 8, patchSize: 4, visionDim: 8, visionDepth: 1, visionHeads: 2,
                             vocabSize: 10, maxTextLen: 6, textDim: 8, textDepth: 1, textHeads: 2,
                             fusionDim: 8, fusionHeads: 2, numClasses: 3, mlpRatio: 2)


@Suite struct FusionModelTests {
    @Test func teacherParameterCountMatchesHandCount() throws {
        let config = try ModelConfig.decode(json: Data(contentsOf: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().appendingPathComponent("../../recipes/models/teacher.json")))
        // Width d = 64 everywhere, MLP 4d. An attention: in_proj 3d²+3d, out_proj d²+d.
        let d = 64, attention = 4 * d * d + 4 * d
        // An encoder block: attention, linear1 4d²+4d, linear2 4d²+d, 2 norms 4d.
        let block = attention + 4 * d * d + 4 * d + 4 * d * d + d + 4 * d
        let vision = 48 * d + d + 64 * d + 2 * block + 2 * d
        let text = 64 * d + 16 * d + block + 2 * d
        // A decoder block: two attentions, the MLP, three norms 6d.
        let decoder = 2 * attention + 4 * d * d + 4 * d + 4 * d * d + d + 6 * d
        let fusion = 2 * (d * d + d) + (2 * d * d + d) + (d * 2 + 2) + attention + 2 * decoder + 2 * d
        // The token head: norm, hidden [(16·d + d) → 128], fc [128 → 32].
        let head = 2 * d + (16 * d + d) * 128 + 128 + 128 * 32 + 32
        #expect(FusionModel(config: config, seed: 0).parameterCount == vision + text + fusion + head)
    }

    @Test func parametersHavePyTorchNamesAndShapes() {
        let model = FusionModel(config: tinyConfig, seed: 1)
        let shapes = Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.name, $0.tensor.shape) })
        #expect(shapes.count == model.namedParameters.count)
        #expect(shapes["vision.patch_embed.weight"] == [8, 48])
        #expect(shapes["vision.layers.0.self_attn.in_proj_weight"] == [24, 8])
        #expect(shapes["vision.layers.0.self_attn.out_proj.bias"] == [8])
        #expect(shapes["vision.layers.0.linear1.weight"] == [16, 8])
        #expect(shapes["text.token_embed.weight"] == [10, 8])
        #expect(shapes["text.pos_embed"] == [6, 8])
        #expect(shapes["fusion.gate_net.0.weight"] == [8, 16])
        #expect(shapes["fusion.gate_net.2.weight"] == [2, 8])
        #expect(shapes["fusion.cross_attn.in_proj_bias"] == [24])
        #expect(shapes["head.fc.weight"] == [3, 8])
    }

    @Test func initialisationIsDeterministicPerSeed() {
        let a = FusionModel(config: tinyConfig, seed: 7), b = FusionModel(config: tinyConfig, seed: 7)
        let c = FusionModel(config: tinyConfig, seed: 8)
        #expect(a.parameters.map(\.storage) == b.parameters.map(\.storage))
        #expect(a.parameters.map(\.storage) != c.parameters.map(\.storage))
    }

    @Test func patchesFollowRowColumnChannelOrder() {
        // 4×4 image, 2×2 patches: patch 1 is the top-right block, flattened row by row.
        let images = (0..<48).map { UInt8($0) }
        let patches = VisionEncoder.patches(images: images, batch: 1, imageSize: 4, patchSize: 2)
        #expect(patches.shape == [1, 4, 12])
        let pixel = { (y: Int, x: Int, c: Int) in Float((y * 4 + x) * 3 + c) / 255 }
        let expected: [Float] = [pixel(0, 2, 0), pixel(0, 2, 1), pixel(0, 2, 2), pixel(0, 3, 0), pixel(0, 3, 1), pixel(0, 3, 2),
                                 pixel(1, 2, 0), pixel(1, 2, 1), pixel(1, 2, 2), pixel(1, 3, 0), pixel(1, 3, 1), pixel(1, 3, 2)]
        #expect(Array(patches.storage[12..<24]) == expected)
    }

    @Test(arguments: [(Float(0), Float(1)), (-0.3, 0.8)])
    func int8PatchEmbeddingFromImageBytesEqualsItFromFloatPatches(low: Float, high: Float) {
        // With inputs in [0, 1] and 127 codes, values / 255 land on rounding ties: the byte table must
        // round them as the kernel does.
        let model = FusionModel(config: tinyConfig, seed: 10)
        let input = randomInput(tinyConfig, batch: 3, length: 5, seed: 11)
        let embedding = model.vision.patchEmbedding, quantization = ActivationQuantization(low: low, high: high)
        embedding.int8 = Int8Linear(weights: .quantizing(embedding.weight), input: quantization)
        let patches = VisionEncoder.patches(images: input.images, batch: 3, imageSize: 8, patchSize: 4)
        let expected = Tensor.int8Linear(patches, weights: embedding.int8!.weights, bias: embedding.bias, input: quantization)
        let embedded = model.vision.embedPatches(images: input.images, batch: 3, imageSize: 8)
        #expect(embedded.shape == expected.shape)
        #expect(embedded.storage == expected.storage)
    }

    @Test func paddingDoesNotChangeLogits() {
        // The same questions padded to 4 and to 6 tokens must give the same logits.
        let model = FusionModel(config: tinyConfig, seed: 2)
        let short = randomInput(tinyConfig, batch: 3, length: 4, seed: 3)
        var padded = [Int32](repeating: 0, count: 3 * 6)
        for b in 0..<3 { for l in 0..<4 { padded[b * 6 + l] = short.tokens[b * 4 + l] } }
        let long = ModelInput(images: short.images, tokens: padded, batchSize: 3, textLength: 6)
        let a = model.predict(short).storage, b = model.predict(long).storage
        for (x, y) in zip(a, b) { #expect(Swift.abs(x - y) < 1e-5) }
    }

    @Test func batchItemsAreIndependent() {
        let model = FusionModel(config: tinyConfig, seed: 4)
        let input = randomInput(tinyConfig, batch: 3, length: 5, seed: 5)
        let all = model.predict(input).storage
        let pixels = tinyConfig.imageSize * tinyConfig.imageSize * 3
        for b in 0..<3 {
            let one = ModelInput(images: Array(input.images[(b * pixels)..<((b + 1) * pixels)]),
                                 tokens: Array(input.tokens[(b * 5)..<((b + 1) * 5)]), batchSize: 1, textLength: 5)
            let single = model.predict(one).storage
            for c in 0..<3 { #expect(Swift.abs(single[c] - all[b * 3 + c]) < 1e-5) }
        }
    }

    @Test func predictSplitAcrossTheCoresEqualsOneForwardPass() {
        // A batch large enough for a share per core runs share by share; every logit must equal
        // the whole batch's forward pass bit for bit.
        let model = FusionModel(config: tinyConfig, seed: 8)
        let batch = FusionModel.samplesPerCore * Parallel.threadCount + 1
        let input = randomInput(tinyConfig, batch: batch, length: 5, seed: 9)
        let whole = Tensor.withoutGradients { model(input).logits }
        #expect(model.predict(input).shape == whole.shape)
        #expect(model.predict(input).storage == whole.storage)
        #expect(model.predict(input.samples(2..<5)).storage == Array(whole.storage[(2 * 3)..<(5 * 3)]))
    }

    @Test func gatingAHeadToZeroEqualsZeroingItsOutputColumns() {
        // Independent check of head gates: a zero gate must equal deleting that head's slice of out_proj.
        let gated = FusionModel(config: tinyConfig, seed: 6), edited = FusionModel(config: tinyConfig, seed: 6)
        let input = randomInput(tinyConfig, batch: 2, length: 5, seed: 7)
        gated.vision.layers[0].selfAttention.headGates = Tensor(shape: [2], storage: [1, 0])
        let weight = edited.vision.layers[0].selfAttention.outProjection.weight
        for row in 0..<8 { for column in 4..<8 { weight.storage[row * 8 + column] = 0 } }
        let a = gated.predict(input).storage, b = edited.predict(input).storage
        for (x, y) in zip(a, b) { #expect(Swift.abs(x - y) < 1e-5) }
        #expect(a != FusionModel(config: tinyConfig, seed: 6).predict(input).storage)
    }

    @Test func loadRejectsWrongNamesAndShapes() {
        let model = FusionModel(config: tinyConfig, seed: 1)
        var values = Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.name, $0.tensor) })
        values["head.fc.bias"] = .zeros([4])
        #expect(throws: ModelError.mismatchedShape(name: "head.fc.bias", expected: [3], actual: [4])) { try model.loadParameters(values) }
        values["head.fc.bias"] = nil
        #expect(throws: ModelError.missingParameter(name: "head.fc.bias")) { try model.loadParameters(values) }
        values["head.fc.bias"] = .zeros([3])
        values["head.extra"] = .zeros([1])
        #expect(throws: ModelError.unexpectedParameter(name: "head.extra")) { try model.loadParameters(values) }
    }

    @Test func configErrorsNameTheKey() {
        func error(_ json: String) -> ModelError? {
            do { _ = try ModelConfig.decode(json: Data(json.utf8)); return nil } catch { return error as? ModelError }
        }
        let valid = tinyConfig.jsonString()
        #expect(error(valid) == nil)
        #expect(error(valid.replacingOccurrences(of: "\"patch_size\":4", with: "\"patch_size\":3"))
            == .invalidConfig(key: "patch_size", reason: "3 does not divide image_size 8"))
        #expect(error(valid.replacingOccurrences(of: "\"num_classes\":3", with: "\"num_classes\":\"x\""))
            == .invalidConfig(key: "num_classes", reason: "expected an integer"))
        #expect(error(valid.replacingOccurrences(of: "{", with: "{\"depth\":1,")) == .invalidConfig(key: "depth", reason: "unknown key"))
        #expect(error(valid.replacingOccurrences(of: ",\"vocab_size\":10", with: ""))
            == .invalidConfig(key: "vocab_size", reason: "missing"))
    }

    @Test func modelGradientsMatchFiniteDifferences() {
        // End to end through every layer: cross-entropy-like scalar of the logits.
        let model = FusionModel(config: tinyConfig, seed: 9)
        let input = randomInput(tinyConfig, batch: 2, length: 5, seed: 10)
        let weights = Tensor(shape: [2, 3], storage: [0.3, -1, 0.5, 0.8, 0.2, -0.6])
        func loss() -> Tensor { (model(input).logits.logSoftmax() * weights).sum() }
        let value = loss()
        value.backward()
        let step: Float = 1e-2
        for (name, parameter) in model.namedParameters {
            // A few elements of every parameter keep the test fast.
            for i in stride(from: 0, to: parameter.count, by: max(1, parameter.count / 4)) {
                let original = parameter.storage[i]
                parameter.storage[i] = original + step
                let plus = Double(Tensor.withoutGradients { loss() }.item)
                parameter.storage[i] = original - step
                let minus = Double(Tensor.withoutGradients { loss() }.item)
                parameter.storage[i] = original
                let numeric = (plus - minus) / (2 * Double(step))
                let analytic = Double(parameter.grad?[i] ?? 0)
                #expect(Swift.abs(analytic - numeric) <= 2e-3 + 2e-2 * Swift.abs(numeric), "\(name)[\(i)]: \(analytic) vs \(numeric)")
            }
        }
    }
}
