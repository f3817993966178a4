import Checkpoint
import Datasets
import Foundation
import Models
import TensorCore
import Testing
import TestSupport
import Training
@testable import Pretraining

/// Each pretraining stage's loss against a naive loop in Double over the same model states, and
/// its masks: the right share, only real positions, the same for the same (epoch, sample).
@Suite struct StageObjectiveTests {
    static let config = try! ModelConfig.decode(json: Data(#"""
        {"image_size": 32, "patch_size": 8, "vision_dim": 8, "vision_depth": 1, "vision_heads": 2,
         "vocab_size": 64, "max_text_len": 16, "text_dim": 8, "text_depth": 1, "text_heads": 2,
         "fusion_dim": 8, "fusion_heads": 2, "num_classes": 32}
        """#.utf8))
    static let data = ShapesGenerator.generate(count: 12, seed: 4, captions: true)
    static let samples = [3, 0, 7, 11, 5]

    /// Σ over rows of (a row's log-sum-exp − its picked logit), in Double: rows [N, C] → mean.
    static func meanCrossEntropy(_ rows: [[Double]], picks: [Int]) -> Double {
        zip(rows, picks).reduce(0) { sum, pair in
            let peak = pair.0.max()!
            return sum + peak + log(pair.0.reduce(0) { $0 + exp($1 - peak) }) - pair.0[pair.1]
        } / Double(rows.count)
    }

    /// y = W·x + b in Double for a Linear: weight [out, in].
    static func apply(_ layer: Linear, _ x: ArraySlice<Float>) -> [Double] {
        (0..<layer.outputSize).map { o in
            zip(layer.weight.storage[(o * layer.inputSize)..<((o + 1) * layer.inputSize)], x)
                .reduce(Double(layer.bias.storage[o])) { $0 + Double($1.0) * Double($1.1) }
        }
    }

    @Test func masksHideTheirShareOfRealPositionsAndDependOnlyOnEpochAndSample() {
        let candidates = [0, 2, 3, 5, 8, 9, 10]
        let hidden = StageMask.positions(candidates, ratio: 0.5, seed: 1, epoch: 3, sample: 17)
        #expect(hidden.count == 4 && Set(hidden).isSubset(of: candidates) && hidden == hidden.sorted())
        #expect(hidden == StageMask.positions(candidates, ratio: 0.5, seed: 1, epoch: 3, sample: 17))
        let others = (0..<20).map { StageMask.positions(candidates, ratio: 0.5, seed: 1, epoch: $0, sample: 17) }
        #expect(Set(others).count > 5, "masks should change from epoch to epoch")
        #expect(StageMask.positions([4], ratio: 0.1, seed: 1, epoch: 0, sample: 0) == [4], "at least one position is hidden")
        #expect(StageMask.positions([], ratio: 0.5, seed: 1, epoch: 0, sample: 0).isEmpty)
    }

    @Test func maskedPatchLossIsTheMeanSquaredErrorOverHiddenPatches() {
        let model = FusionModel(config: Self.config, seed: 1)
        let objective = MaskedPatchReconstruction(model: model, maskRatio: 0.5, seed: 9)
        let batch = Self.data.batch(Self.samples)
        let (images, hidden) = objective.hide(batch, samples: Self.samples, epoch: 2)
        // Hidden patches are grey, the rest untouched.
        let (size, p, grid) = (32, 8, 4)
        for (b, patches) in hidden.enumerated() {
            #expect(patches.count == 8)
            for patch in 0..<(grid * grid) {
                let start = ((b * size + patch / grid * p) * size + patch % grid * p) * 3
                let expected = patches.contains(patch) ? [UInt8](repeating: 128, count: p * 3)
                    : Array(batch.images[start..<(start + p * 3)])
                #expect(Array(images[start..<(start + p * 3)]) == expected)
            }
        }
        let states = Tensor.withoutGradients { model.vision(images: images, batch: Self.samples.count, imageSize: size).states }
        let original = VisionEncoder.patches(images: batch.images, batch: Self.samples.count, imageSize: size, patchSize: p)
        var sum = 0.0, terms = 0
        for (b, patches) in hidden.enumerated() {
            for patch in patches {
                let row = b * grid * grid + patch
                let predicted = Self.apply(objective.decoder, states.storage[(row * 8)..<((row + 1) * 8)])
                for f in 0..<(p * p * 3) {
                    sum += pow(predicted[f] - Double(original.storage[row * p * p * 3 + f]), 2)
                    terms += 1
                }
            }
        }
        let loss = objective.step(Self.data, samples: Self.samples, epoch: 2).loss.item
        #expect(Swift.abs(Double(loss) - sum / Double(terms)) < 1e-5)
    }

    @Test func maskedTokenLossIsTheCrossEntropyOfHiddenTokens() {
        let model = FusionModel(config: Self.config, seed: 2)
        let objective = MaskedTokenPrediction(model: model, maskToken: Int32(Self.data.vocab.count), maskRatio: 0.25, seed: 9)
        let batch = Self.data.batch(Self.samples)
        let length = batch.textLength
        let (tokens, hidden) = objective.hide(batch.tokens, length: length, samples: Self.samples, epoch: 1)
        for (b, positions) in hidden.enumerated() {
            let real = (0..<length).filter { batch.tokens[b * length + $0] != 0 }
            #expect(positions.count == max(1, Int((0.25 * Float(real.count)).rounded())) && Set(positions).isSubset(of: real))
            for l in 0..<length {
                #expect(tokens[b * length + l] == (positions.contains(l) ? objective.maskToken : batch.tokens[b * length + l]))
            }
        }
        let states = Tensor.withoutGradients {
            model.text(tokens: tokens, batch: Self.samples.count, length: length, mask: tokens.map { $0 != 0 }).states
        }
        var rows: [[Double]] = [], picks: [Int] = []
        for (b, positions) in hidden.enumerated() {
            for l in positions {
                let row = b * length + l
                rows.append(Self.apply(objective.decoder, states.storage[(row * 8)..<((row + 1) * 8)]))
                picks.append(Int(batch.tokens[row]))
            }
        }
        let result = objective.step(Self.data, samples: Self.samples, epoch: 1)
        #expect(Swift.abs(Double(result.loss.item) - Self.meanCrossEntropy(rows, picks: picks)) < 1e-5)
        #expect(result.components["text"] == result.loss.item)
    }

    @Test func alignmentLossIsSymmetricInfoNCEAtTheLearntTemperature() throws {
        let model = FusionModel(config: Self.config, seed: 3)
        let objective = ImageTextAlignment(model: model, temperature: 0.2)
        #expect(Swift.abs(objective.temperature - 0.2) < 1e-6)
        let (v, t) = Tensor.withoutGradients { objective.embeddings(Self.data, samples: Self.samples) }
        let count = Self.samples.count
        func unit(_ x: Tensor, _ b: Int) -> [Double] {
            let row = x.storage[(b * 8)..<((b + 1) * 8)].map(Double.init)
            let norm = sqrt(row.reduce(0) { $0 + $1 * $1 })
            return row.map { $0 / norm }
        }
        let scale = 1 / 0.2
        let similarity = (0..<count).map { i in
            (0..<count).map { j in zip(unit(v, i), unit(t, j)).reduce(0) { $0 + $1.0 * $1.1 } * scale }
        }
        let transposed = (0..<count).map { j in (0..<count).map { i in similarity[i][j] } }
        let expected = 0.5 * (Self.meanCrossEntropy(similarity, picks: Array(0..<count))
                              + Self.meanCrossEntropy(transposed, picks: Array(0..<count)))
        let result = objective.step(Self.data, samples: Self.samples, epoch: 0)
        #expect(Swift.abs(Double(result.loss.item) - expected) < 1e-4)
        let retrieved = (0..<count).filter { i in similarity[i].indices.max { similarity[i][$0] < similarity[i][$1] } == i }.count
        #expect(result.correct == retrieved)

        // The captions the text encoder read are the dataset's, cut to max_text_len.
        #expect(Self.data.captionLength > Self.config.maxTextLen)
        // The temperature's gradient against a finite difference of the loss in log(1/τ).
        result.loss.backward()
        let analytic = try #require(objective.logitScale.grad?.first)
        func loss(at logScale: Float) -> Double {
            objective.logitScale.storage[0] = logScale
            return Double(Tensor.withoutGradients { objective.step(Self.data, samples: Self.samples, epoch: 0).loss.item })
        }
        let centre = Float(log(5.0)), step: Float = 1e-2
        let numeric = (loss(at: centre + step) - loss(at: centre - step)) / Double(2 * step)
        #expect(Swift.abs(Double(analytic) - numeric) < 2e-3 + 1e-2 * Swift.abs(numeric), "autograd \(analytic), numeric \(numeric)")
    }

    @Test func theLogitScaleStaysAtMostAHundred() {
        let objective = ImageTextAlignment(model: FusionModel(config: Self.config, seed: 3), temperature: 0.001)
        _ = objective.step(Self.data, samples: Self.samples, epoch: 0)
        #expect(Swift.abs(objective.temperature - 0.01) < 1e-6)
    }
}
