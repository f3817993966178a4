import Checkpoint
import Evaluation
import Models
import TensorCore
import Training

/// The `text` stage: masked-token prediction over the questions (BERT's objective). Each question
/// hides round(ratio · n) of its n real tokens behind a mask id (the first id the data's vocabulary
/// leaves free), the text encoder reads it, and a linear decoder predicts the hidden ids.
///
/// h = text(masked tokens) [B, L, dt]; z = decoder(h_bl) [M, V] for the M hidden positions (b, l);
/// L = −(1/M) Σ log softmax(z)[token_bl].
public final class MaskedTokenPrediction: StageObjective {
    public let model: FusionModel
    /// dt → vocab_size; dropped after the stage.
    public let decoder: Linear
    public let maskToken: Int32
    public let maskRatio: Float
    /// Seeds the masks (with the epoch and the sample's index).
    public let seed: UInt64

    public init(model: FusionModel, maskToken: Int32, maskRatio: Float, seed: UInt64) {
        precondition(maskToken > 0 && Int(maskToken) < model.config.vocabSize, "mask id \(maskToken) outside 1..<vocab_size")
        var generator = RandomGenerator(seed: seed)
        self.model = model
        decoder = Linear(inputSize: model.config.textDim, outputSize: model.config.vocabSize, generator: &generator)
        self.maskToken = maskToken
        self.maskRatio = maskRatio
        self.seed = seed
    }

    public var ownParameters: [(name: String, tensor: Tensor)] {
        decoder.namedParameters.map { ("text_decoder.\($0.name)", $0.tensor) }
    }

    /// The hidden positions of each question, and the tokens with them masked: [B, L] → [B, L].
    public func hide(_ tokens: [Int32], length: Int, samples: [Int], epoch: Int) -> (tokens: [Int32], hidden: [[Int]]) {
        var masked = tokens
        let hidden = samples.enumerated().map { b, sample in
            let real = (0..<length).filter { tokens[b * length + $0] != 0 }
            let positions = StageMask.positions(real, ratio: maskRatio, seed: seed, epoch: epoch, sample: sample)
            for l in positions { masked[b * length + l] = maskToken }
            return positions
        }
        return (masked, hidden)
    }

    public func step(_ data: MultimodalDataset, samples: [Int], epoch: Int, share: BatchShare?) -> Trainer.StepResult {
        let batch = data.batch(samples)
        let (length, width) = (batch.textLength, model.config.textDim)
        let (tokens, hidden) = hide(batch.tokens, length: length, samples: samples, epoch: epoch)
        let states = model.text(tokens: tokens, batch: batch.count, length: length, mask: tokens.map { $0 != 0 }).states
        let rows = hidden.enumerated().flatMap { b, positions in positions.map { b * length + $0 } }
        guard !rows.isEmpty else {
            // No real token in the whole batch: a zero loss that still reaches the decoder.
            let zero = (decoder.bias * 0).sum()
            return Trainer.StepResult(loss: share?.itemMean(zero, count: 0) ?? zero, components: ["text": 0], correct: 0)
        }
        let logits = decoder(Tensor.pickingRows(states.reshaped([batch.count * length, width]), sources: rows))
        let labels = rows.map { batch.tokens[$0] }
        // The mean over the whole batch's hidden tokens.
        let loss = crossEntropy(logits: logits, labels: labels).scaledToWholeBatch(share, count: rows.count)
        // A sample counts when every token it hid was predicted.
        var right = hidden.map { !$0.isEmpty }
        for (index, hit) in zip(rows, Evaluation.right(logits: logits.storage, classes: model.config.vocabSize, labels: labels))
            where !hit { right[index / length] = false }
        let correct = right.filter { $0 }.count
        return Trainer.StepResult(loss: loss, components: ["text": loss.item], correct: correct)
    }
}
