import Checkpoint
import Models
import TensorCore

/// Inference over a whole dataset, in batches, without an autograd graph.
public enum Evaluation {
    /// Logits of every sample: [N, classes] row-major.
    public static func logits(of model: FusionModel, on data: MultimodalDataset, batchSize: Int) -> [Float] {
        precondition(batchSize > 0, "batch size must be positive")
        var out: [Float] = []
        out.reserveCapacity(data.count * model.config.numClasses)
        for start in stride(from: 0, to: data.count, by: batchSize) {
            let batch = data.batch(start..<min(start + batchSize, data.count))
            out += model.predict(batch.input).storage
        }
        return out
    }

    /// Index of the largest logit in each row: logits [N, classes] → N class ids.
    public static func predictions(logits: [Float], classes: Int) -> [Int] {
        stride(from: 0, to: logits.count, by: classes).map { start in
            var best = start
            for i in start..<(start + classes) where logits[i] > logits[best] { best = i }
            return best - start
        }
    }

    /// How many samples' top logit is the label: logits [N, classes] row-major.
    public static func hits(logits: [Float], classes: Int, labels: [Int32]) -> Int {
        right(logits: logits, classes: classes, labels: labels).filter { $0 }.count
    }

    /// Whether each sample's top logit is its label: logits [N, classes] row-major → N flags.
    public static func right(logits: [Float], classes: Int, labels: [Int32]) -> [Bool] {
        zip(predictions(logits: logits, classes: classes), labels).map { $0 == Int($1) }
    }

    /// How many rows' top logit is the label: logits [B, classes].
    public static func hits(logits: Tensor, labels: [Int32]) -> Int {
        hits(logits: logits.storage, classes: logits.shape[1], labels: labels)
    }

    /// Accuracy of `model` on labelled `data`, in [0, 1].
    public static func accuracy(of model: FusionModel, on data: MultimodalDataset, batchSize: Int = 128) -> Double {
        precondition(data.labels != nil, "accuracy needs labelled data")
        return accuracy(logits: logits(of: model, on: data, batchSize: batchSize), classes: model.config.numClasses, labels: data.labels!)
    }

    /// Fraction of samples whose top logit is the label, in [0, 1].
    public static func accuracy(logits: [Float], classes: Int, labels: [Int32]) -> Double {
        labels.isEmpty ? 0 : Double(hits(logits: logits, classes: classes, labels: labels)) / Double(labels.count)
    }
}
