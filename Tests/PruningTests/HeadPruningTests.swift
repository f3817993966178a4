import Models
import Testing
import TestSupport
import TensorCore
@testable import Pruning

@Suite struct HeadPruningTests {
    /// Deleting heads physically computes what gating the same heads to zero computes in the unpruned model.
    @Test func physicalRemovalEqualsGatingHeadsToZero() {
        let model = FusionModel(config: pruningConfig, seed: 11)
        let kept = [[0, 2], [1, 2, 3], [1], [3]]   // vision 0, vision 1, text 0, fusion
        let pruned = PruningSelection(heads: kept).apply(to: model)
        #expect(pruned.config.visionHeadCounts == [2, 3] && pruned.config.textHeadCounts == [1] && pruned.config.fusionHeadCount == 1)
        #expect(pruned.vision.layers[0].selfAttention.inProjectionWeight.shape == [3 * 2 * 4, 16])
        #expect(pruned.fusion.crossAttention.outProjection.weight.shape == [16, 4])

        for (site, keep) in zip(AttentionSite.all(in: model), kept) {
            site.attention.headGates = Tensor(shape: [site.attention.headCount],
                                              storage: (0..<site.attention.headCount).map { keep.contains($0) ? 1 : 0 })
        }
        let input = randomInput(pruningConfig, batch: 5, length: 6, seed: 3)
        let gated = model.predict(input), physical = pruned.predict(input)
        #expect(maximumDifference(gated, physical) < 1e-5, "gated \(gated) vs pruned \(physical)")
        #expect(pruned.parameterCount < model.parameterCount)
    }

    @Test func removesTheLowestScoresGloballyButNeverALayersLastHead() throws {
        let scores: [[Float]] = [[0.9, 0.1], [0.2, 0.3, 0.8], [0.05], [0.5, 0.4]]
        // Ranked: 0.05 (site 2, its only head: stays), 0.1, 0.2, 0.3, 0.4 …
        #expect(try HeadPruning.keptHeads(scores: scores, removeCount: 3) == [[0], [2], [0], [0, 1]])
        #expect(try HeadPruning.keptHeads(scores: scores, removeCount: 0) == [[0, 1], [0, 1, 2], [0], [0, 1]])
        // Site 1 keeps its best head once the other two are gone, and 0.4 goes after 0.3.
        #expect(try HeadPruning.keptHeads(scores: scores, removeCount: 4) == [[0], [2], [0], [0]])
        #expect(throws: PruningError.self) { try HeadPruning.keptHeads(scores: scores, removeCount: 5) }
    }

    /// Slicing picks the q, k and v rows of each kept head and the matching out_proj columns.
    @Test func sliceTakesRowsAndColumnsOfKeptHeadsByHand() {
        // 2 heads of 1 feature, D = 2: in_proj rows are q0 q1 k0 k1 v0 v1.
        var tensors = [
            "a.in_proj_weight": Tensor(shape: [6, 2], storage: [0, 1, 10, 11, 20, 21, 30, 31, 40, 41, 50, 51]),
            "a.in_proj_bias": Tensor(shape: [6], storage: [0, 1, 2, 3, 4, 5]),
            "a.out_proj.weight": Tensor(shape: [2, 2], storage: [1, 2, 3, 4]),
        ]
        HeadPruning.slice(&tensors, prefix: "a", heads: 2, headDim: 1, kept: [1])
        #expect(tensors["a.in_proj_weight"]!.storage == [10, 11, 30, 31, 50, 51])
        #expect(tensors["a.in_proj_bias"]!.storage == [1, 3, 5])
        #expect(tensors["a.out_proj.weight"]!.shape == [2, 1] && tensors["a.out_proj.weight"]!.storage == [2, 4])
    }
}
