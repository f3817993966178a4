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
    /// Reads the whole `distill.losses` object (an absent one means the defaults: hard labels only).
    init(reading reader: inout JSONObjectReader) throws(RecipeError) {
        let defaults = LossWeights()
        self.init(hard: try reader.number("hard", .atLeast(0), default: defaults.hard),
                  logits: try reader.number("logits", .atLeast(0), default: defaults.logits),
                  features: try reader.number("features", .atLeast(0), default: defaults.features),
                  attention: try reader.number("attention", .atLeast(0), default: defaults.attention),
                  contrastive: try reader.number("contrastive", .atLeast(0), default: defaults.contrastive))
        try reader.finish()
        if [hard, logits, features, attention, contrastive].allSatisfy({ $0 == 0 }) {
            throw reader.error(nil, "expected at least one weight > 0, got all 0")
        }
    }

    var json: JSONValue {
        .object(["hard": .number(hard), "logits": .number(logits), "features": .number(features),
                 "attention": .number(attention), "contrastive": .number(contrastive)])
    }
}
