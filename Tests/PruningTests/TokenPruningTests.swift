import Models
import Testing
import TestSupport
import TensorCore
@testable import Pruning

@Suite struct TokenPruningTests {
    /// Keeping every patch (keep = 1.0) runs the selection path and gives exactly the unpruned logits.
    @Test func keepingEveryPatchIsExactlyTheUnprunedModel() {
        let model = FusionModel(config: pruningConfig, seed: 4)
        let policy = VisionTokenKeep(afterLayer: 1, keep: pruningConfig.patchCount)
        let all = PruningSelection(tokenKeep: policy).apply(to: model)
        #expect(all.config.visionTokenKeep == policy)
        let input = randomInput(pruningConfig, batch: 4, length: 6, seed: 9)
        #expect(model.predict(input).storage == all.predict(input).storage)
    }

    /// Text-guided ranking keeping every patch is exactly the unpruned model too, also before layer 1.
    @Test func textGuidedKeepingEveryPatchIsExactlyTheUnprunedModel() {
        let model = FusionModel(config: pruningConfig, seed: 4)
        let input = randomInput(pruningConfig, batch: 3, length: 6, seed: 2)
        for afterLayer in [0, 1] {
            let all = PruningSelection(tokenKeep: VisionTokenKeep(afterLayer: afterLayer, keep: pruningConfig.patchCount, scoring: .text))
                .apply(to: model)
            #expect(model.predict(input).storage == all.predict(input).storage)
        }
    }

    /// Text-guided ranking before the first vision layer: scores from the question's cross-attention
    /// over the patch embeddings, summed naively over heads and real tokens, pick the rows by hand.
    @Test func textGuidedSelectionMatchesAHandRun() {
        let model = FusionModel(config: pruningConfig, seed: 9)
        let keep = 6
        let pruned = PruningSelection(tokenKeep: VisionTokenKeep(afterLayer: 0, keep: keep, scoring: .text)).apply(to: model)
        let input = randomInput(pruningConfig, batch: 2, length: 6, seed: 5)
        let (b, p, d, length) = (2, pruningConfig.patchCount, pruningConfig.visionDim, 6)
        let mask = input.textMask

        let reference: Tensor = Tensor.withoutGradients {
            let text = model.text(tokens: input.tokens, batch: b, length: length, mask: mask)
            let vision = model.vision
            let x = vision.patchEmbedding(VisionEncoder.patches(images: input.images, batch: b, imageSize: 8, patchSize: 2))
                + vision.positionEmbedding
            let weights = model.fusion.crossAttention(query: model.fusion.textProjection(text.states),
                                                      memory: model.fusion.visionProjection(x)).weights   // [B, 4, L, P]
            var rows = [Float]()
            for image in 0..<b {
                var received = [Float](repeating: 0, count: p)
                for h in 0..<4 {
                    for l in 0..<length where mask[image * length + l] {
                        for j in 0..<p { received[j] += weights.storage[((image * 4 + h) * length + l) * p + j] }
                    }
                }
                let top = (0..<p).sorted { received[$0] > received[$1] }.prefix(keep).sorted()
                for j in top { rows += x.storage[((image * p + j) * d)..<((image * p + j + 1) * d)] }
            }
            var h = Tensor(shape: [b, keep, d], storage: rows)
            for layer in vision.layers { h = layer(h).output }
            return model.head(model.fusion(vision: vision.norm(h), text: text.states, textMask: mask).fused)
        }
        #expect(maximumDifference(pruned.predict(input), reference) < 1e-5)
    }

    /// The top patches by attention received, from a hand-made attention map.
    @Test func ranksPatchesByAttentionReceivedByHand() {
        // B = 1, H = 2, 3 queries, 4 keys. Column sums over heads and queries: 0.9, 2.1, 1.2, 1.8 → mean /6.
        let weights = Tensor(shape: [1, 2, 3, 4], storage: [
            0.1, 0.5, 0.2, 0.2,   0.2, 0.3, 0.2, 0.3,   0.1, 0.4, 0.1, 0.4,
            0.2, 0.3, 0.3, 0.2,   0.2, 0.2, 0.2, 0.4,   0.1, 0.4, 0.2, 0.3,
        ])
        let scores = VisionTokenSelection.receivedAttention(weights)
        for (score, expected) in zip(scores, [0.9, 2.1, 1.2, 1.8] as [Float]) { #expect(Swift.abs(score - expected / 6) < 1e-6) }
        #expect(VisionTokenSelection.topIndices(scores: scores, batch: 1, keep: 2) == [1, 3])
        // Ties go to the lower index; each image of a batch is ranked on its own.
        #expect(VisionTokenSelection.topIndices(scores: [1, 2, 2, 0, 5, 1, 1, 4], batch: 2, keep: 2) == [1, 2, 0, 3])
    }

    /// With fewer patches, layers after `after_layer` and the fusion see only the kept patches:
    /// the same as running the unpruned modules by hand on the hand-picked rows.
    @Test func droppedPatchesMatchARunOnTheKeptRows() {
        let model = FusionModel(config: pruningConfig, seed: 7)
        let keep = 5
        let pruned = PruningSelection(tokenKeep: VisionTokenKeep(afterLayer: 1, keep: keep)).apply(to: model)
        let input = randomInput(pruningConfig, batch: 2, length: 6, seed: 1)
        let (b, p, d) = (2, pruningConfig.patchCount, pruningConfig.visionDim)

        let reference: Tensor = Tensor.withoutGradients {
            let vision = model.vision
            let x = vision.patchEmbedding(VisionEncoder.patches(images: input.images, batch: b, imageSize: 8, patchSize: 2))
                + vision.positionEmbedding
            let first = vision.layers[0](x)
            var rows = [Float]()
            for image in 0..<b {
                // Attention received, summed naively over heads and queries.
                var received = [Float](repeating: 0, count: p)
                for h in 0..<4 {
                    for i in 0..<p { for j in 0..<p { received[j] += first.weights.storage[((image * 4 + h) * p + i) * p + j] } }
                }
                let top = (0..<p).sorted { received[$0] > received[$1] }.prefix(keep).sorted()
                for j in top { rows += first.output.storage[((image * p + j) * d)..<((image * p + j + 1) * d)] }
            }
            let kept = Tensor(shape: [b, keep, d], storage: rows)
            let states = vision.norm(vision.layers[1](kept).output)
            let text = model.text(tokens: input.tokens, batch: b, length: 6, mask: input.textMask)
            return model.head(model.fusion(vision: states, text: text.states, textMask: input.textMask).fused)
        }
        #expect(maximumDifference(pruned.predict(input), reference) < 1e-5)
        #expect(pruned.config.forwardFLOPs() < model.config.forwardFLOPs())
    }
}
