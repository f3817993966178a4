import Models

/// Weights of the distillation loss terms (`distill.losses`); each >= 0 and at least one > 0.
/// The total loss is Σ weight · term; a term with weight 0 is not computed.
public struct LossWeights: Sendable, Equatable {
    /// Cross-entropy against the true labels (`hard`, default 1).
    public var hard: Float
    /// KL divergence between temperature-softened teacher and student answer distributions, scaled by T² (`logits`, default 0).
    public var logits: Float
    /// Mean squared error between projected student features and teacher features (`features`, default 0).
    public var features: Float
    /// KL divergence between the teacher's and the student's head-averaged cross-attention maps (`attention`, default 0).
    public var attention: Float
    /// Symmetric InfoNCE between the student's image and text global vectors, plus the student's in-batch
    /// image–text similarities matching the teacher's (`contrastive`, default 0).
    public var contrastive: Float

    public init(hard: Float = 1, logits: Float = 0, features: Float = 0, attention: Float = 0, contrastive: Float = 0) {
        self.hard = hard
        self.logits = logits
        self.features = features
        self.attention = attention
        self.contrastive = contrastive
    }
}

extension LossWeights {
    /// - Throws: a weight below 0 by its recipe key (`logits`), or all weights 0.
    public func validate() throws(SettingError) {
        let named = [("hard", hard), ("logits", logits), ("features", features), ("attention", attention),
                     ("contrastive", contrastive)]
        for (name, weight) in named { try SettingError.check(name, weight, atLeast: 0) }
        if named.allSatisfy({ $0.1 == 0 }) { throw SettingError("", "expected at least one weight > 0, got all 0") }
    }
}
