import Foundation
import Checkpoint
import Models
import TensorCore

/// How sure a model is of each sample, from one forward pass: the design essay's modality
/// certainties and three measures of answer confidence. Every value is per sample.
public struct Certainty: Equatable, Sendable {
    /// The essay's `compute_modality_certainty` on the vision encoder's output states x [B, P, D]:
    /// 1 / (1 + mean over d of std over p of x[b, p, d]), with the Bessel-corrected std (n − 1,
    /// as `torch.std`).
    public var vision: [Float]
    /// The essay's text certainty on the text encoder's output states x [B, L, D]:
    /// 1 / (1 + mean over l of H(softmax(x[b, l, :]))), H the entropy in nats. As in the essay, every
    /// position counts, padding included.
    public var text: [Float]
    /// The largest answer probability, max softmax(logits).
    public var confidence: [Float]
    /// The largest answer probability minus the second largest.
    public var margin: [Float]
    /// Entropy of the answer distribution, in nats (0: certain).
    public var entropy: [Float]

    public init(vision: [Float], text: [Float], confidence: [Float], margin: [Float], entropy: [Float]) {
        self.vision = vision; self.text = text; self.confidence = confidence; self.margin = margin; self.entropy = entropy
    }

    /// The signals of one forward pass's output.
    public init(_ output: FusionModel.Output) {
        let answer = Self.answer(logits: output.logits)
        self.init(vision: Self.vision(states: output.vision.states), text: Self.text(states: output.text.states),
                  confidence: answer.confidence, margin: answer.margin, entropy: answer.entropy)
    }

    /// The signals of consecutive batches, in order.
    public static func concatenated(_ parts: [Certainty]) -> Certainty {
        Certainty(vision: parts.flatMap(\.vision), text: parts.flatMap(\.text), confidence: parts.flatMap(\.confidence),
                  margin: parts.flatMap(\.margin), entropy: parts.flatMap(\.entropy))
    }

    /// The signals by the names the logits file and `cascade.json` give them.
    public var named: [(name: String, values: [Float])] {
        [("vision_certainty", vision), ("text_certainty", text), ("confidence", confidence), ("margin", margin),
         ("entropy", entropy)]
    }

    /// states [B, P, D] → B vision certainties.
    static func vision(states: Tensor) -> [Float] {
        let (batch, patches, width) = (states.shape[0], states.shape[1], states.shape[2])
        return (0..<batch).map { b in
            var sumOfStds = 0.0
            for d in 0..<width {
                var mean = 0.0
                for p in 0..<patches { mean += Double(states.storage[(b * patches + p) * width + d]) }
                mean /= Double(patches)
                var squares = 0.0
                for p in 0..<patches {
                    let deviation = Double(states.storage[(b * patches + p) * width + d]) - mean
                    squares += deviation * deviation
                }
                sumOfStds += patches > 1 ? (squares / Double(patches - 1)).squareRoot() : .nan
            }
            return Float(1 / (1 + sumOfStds / Double(width)))
        }
    }

    /// states [B, L, D] → B text certainties.
    static func text(states: Tensor) -> [Float] {
        let (batch, length, width) = (states.shape[0], states.shape[1], states.shape[2])
        return (0..<batch).map { b in
            var sumOfEntropies = 0.0
            for l in 0..<length {
                let row = (b * length + l) * width
                sumOfEntropies += entropy(ofSoftmax: states.storage[row..<(row + width)])
            }
            return Float(1 / (1 + sumOfEntropies / Double(length)))
        }
    }

    /// logits [B, C] → B (max probability, top-2 margin, entropy).
    static func answer(logits: Tensor) -> (confidence: [Float], margin: [Float], entropy: [Float]) {
        let (batch, classes) = (logits.shape[0], logits.shape[1])
        var result: (confidence: [Float], margin: [Float], entropy: [Float]) = ([], [], [])
        for b in 0..<batch {
            let row = logits.storage[(b * classes)..<((b + 1) * classes)]
            let probabilities = softmax(row)
            let sorted = probabilities.sorted(by: >)
            result.confidence.append(Float(sorted[0]))
            result.margin.append(Float(sorted[0] - (sorted.count > 1 ? sorted[1] : 0)))
            result.entropy.append(Float(entropy(ofSoftmax: row)))
        }
        return result
    }

    /// softmax of one row, in Double.
    static func softmax(_ row: ArraySlice<Float>) -> [Double] {
        let largest = Double(row.max() ?? 0)
        let exponentials = row.map { Foundation.exp(Double($0) - largest) }
        let total = exponentials.reduce(0, +)
        return exponentials.map { $0 / total }
    }

    /// H(softmax(row)) = log Σ exp(x) − Σ p·x, in nats.
    static func entropy(ofSoftmax row: ArraySlice<Float>) -> Double {
        let probabilities = softmax(row)
        return -probabilities.reduce(0) { $0 + ($1 > 0 ? $1 * Foundation.log($1) : 0) }
    }
}

extension Certainty {
    /// Logits [N, classes] and the signals of every sample of `data`, in batches, without an autograd graph.
    public static func measure(_ model: FusionModel, on data: MultimodalDataset,
                               batchSize: Int) -> (logits: [Float], certainty: Certainty) {
        precondition(batchSize > 0, "batch size must be positive")
        var logits: [Float] = [], parts: [Certainty] = []
        for start in stride(from: 0, to: data.count, by: batchSize) {
            let batch = data.batch(start..<min(start + batchSize, data.count))
            let output = Tensor.withoutGradients { model(batch.input) }
            logits += output.logits.storage
            parts.append(Certainty(output))
        }
        return (logits, concatenated(parts))
    }
}
