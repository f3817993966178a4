import TensorCore

/// Mean cross-entropy of integer labels: logits [B, C], labels B ids in 0..<C → scalar.
/// L = −(1/B) Σ_b log softmax(logits_b)[label_b]
public func crossEntropy(logits: Tensor, labels: [Int32]) -> Tensor {
    let (batch, classes) = (logits.shape[0], logits.shape[1])
    precondition(labels.count == batch, "\(labels.count) labels for a batch of \(batch)")
    var picks = [Float](repeating: 0, count: batch * classes)
    for (b, label) in labels.enumerated() {
        precondition(label >= 0 && Int(label) < classes, "label \(label) outside \(classes) classes")
        picks[b * classes + Int(label)] = -1 / Float(batch)
    }
    return (logits.logSoftmax() * Tensor(shape: [batch, classes], storage: picks)).sum()
}
