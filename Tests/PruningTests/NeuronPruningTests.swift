import Models
import Testing
import TestSupport
import TensorCore
@testable import Pruning

@Suite struct NeuronPruningTests {
    /// Deleting hidden units equals zeroing their linear2 columns in the unpruned model.
    @Test func removingUnitsEqualsZeroingTheirOutputColumns() {
        let model = FusionModel(config: pruningConfig, seed: 12)
        let hidden = pruningConfig.visionDim * pruningConfig.mlpRatio
        let visionKept = [Array(stride(from: 0, to: hidden, by: 2)), Array(0..<20)]
        let textKept = [[1, 4, 7, 9, 15]]
        let pruned = PruningSelection(visionUnits: visionKept, textUnits: textKept).apply(to: model)
        #expect(pruned.config.visionMLPHiddenSizes == [16, 20] && pruned.config.textMLPHiddenSizes == [5])

        for (layer, kept) in zip(model.vision.layers + model.text.layers, visionKept + textKept) {
            let w = layer.linear2.weight
            let columns = w.shape[1]
            for r in 0..<w.shape[0] { for c in 0..<columns where !kept.contains(c) { w.storage[r * columns + c] = 0 } }
        }
        let input = randomInput(pruningConfig, batch: 3, length: 6, seed: 2)
        #expect(maximumDifference(model.predict(input), pruned.predict(input)) < 1e-5)
    }

    @Test func scoresArePathGainsByHand() {
        let layer = FusionModel(config: ModelConfig(imageSize: 2, patchSize: 1, visionDim: 2, visionDepth: 1, visionHeads: 1,
                                                    vocabSize: 4, maxTextLen: 2, textDim: 2, textDepth: 0, textHeads: 1,
                                                    fusionDim: 2, fusionHeads: 1, numClasses: 2, mlpRatio: 2), seed: 0).vision.layers[0]
        layer.linear1.weight.storage = [3, 4, 0, 1, 1, 0, 0, 0]          // rows: ‖·‖ = 5, 1, 1, 0
        layer.linear2.weight.storage = [1, 0, 0, 3, 0, 3, 2, 4]          // columns: ‖·‖ = 1, 3, 2, 5
        #expect(NeuronPruning.scores(linear1: layer.linear1, linear2: layer.linear2) == [5, 3, 2, 0])
        #expect(NeuronPruning.keptUnits(scores: [5, 3, 2, 0], keep: 2) == [0, 1])
    }
}
