import TensorCore

extension DistillationLoss {
    /// Symmetric InfoNCE (CLIP): pair b of the batch is the positive, every other pair a negative.
    ///
    /// S = v̂ t̂ᵀ / τ [B, B] on L2-normalised rows (see `crossModalLogits`);
    /// L = ½ (CE(S, diag) + CE(Sᵀ, diag)), CE(X, diag) = −(1/B) Σ_b log softmax(X_b)[b].
    ///
    /// vision, text: [B, D] → scalar []. Cross-entropy against a one-hot target is the KL from that
    /// target (its entropy is 0), so this is the KL core with identity targets and weights 1/(2B).
    public static func contrastive(vision: Tensor, text: Tensor, temperature: Float) -> Tensor {
        precondition(temperature > 0, "temperature \(temperature) must be positive")
        return contrastive(vision: vision, text: text, logitScale: Tensor(shape: [1], storage: [1 / temperature]))
    }

    /// The same loss with the inverse temperature 1/τ as a tensor [1], so that it can be learnt (CLIP's logit scale).
    public static func contrastive(vision: Tensor, text: Tensor, logitScale: Tensor) -> Tensor {
        let logits = crossModalLogits(vision: vision, text: text, scale: logitScale)
        let batch = vision.shape[0]
        var targets = [Float](repeating: 0, count: 2 * batch * batch)
        for row in 0..<(2 * batch) { targets[row * batch + row % batch] = 1 }
        return klDivergence(teacher: Tensor(shape: [2 * batch, batch], storage: targets),
                            studentLogProbabilities: logits.logSoftmax(),
                            rowWeights: [Float](repeating: 1 / Float(2 * batch), count: 2 * batch))
    }
}
