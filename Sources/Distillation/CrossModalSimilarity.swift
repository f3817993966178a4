import TensorCore

extension DistillationLoss {
    /// Added under the square root of the row norm so that a zero row stays finite.
    static let normalizationEpsilon: Float = 1e-12

    /// Cosine-similarity logits in both retrieval directions, stacked:
    /// v̂ = v / √(Σ v² + ε), t̂ = t / √(Σ t² + ε) (per row), S = v̂ t̂ᵀ / τ [B, B];
    /// result = [S; Sᵀ] [2B, B]: rows 0..<B score image b against every text (image → text),
    /// rows B..<2B score text b against every image (text → image).
    ///
    /// vision: [B, Dv], text: [B, Dt] with Dv = Dt → [2B, B].
    static func crossModalLogits(vision: Tensor, text: Tensor, temperature: Float) -> Tensor {
        precondition(vision.rank == 2 && vision.shape == text.shape,
                     "cross-modal similarity needs vision and text [B, D], got \(vision.shape) and \(text.shape)")
        precondition(temperature > 0, "temperature \(temperature) must be positive")
        return crossModalLogits(vision: vision, text: text, scale: Tensor(shape: [1], storage: [1 / temperature]))
    }

    /// The same logits with the scale 1/τ as a tensor [1] (a learnt one carries its gradient).
    static func crossModalLogits(vision: Tensor, text: Tensor, scale: Tensor) -> Tensor {
        precondition(vision.rank == 2 && vision.shape == text.shape,
                     "cross-modal similarity needs vision and text [B, D], got \(vision.shape) and \(text.shape)")
        let similarity = Tensor.matmul(rowNormalized(vision), rowNormalized(text), transposeB: true) * scale
        return Tensor.concat([similarity, similarity.permuted([1, 0])], axis: 0)
    }

    /// Rows scaled to unit L2 norm: x / √(Σ_d x² + ε). [N, D] → [N, D]
    static func rowNormalized(_ x: Tensor) -> Tensor {
        x / (x.squared().sum(axis: -1, keepingAxis: true) + normalizationEpsilon).sqrt()
    }
}
