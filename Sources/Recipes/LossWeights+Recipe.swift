import Models
import Distillation

extension LossWeights {
    /// Reads the whole `distill.losses` object (an absent one means the defaults: hard labels only).
    init(reading reader: inout JSONObjectReader) throws(RecipeError) {
        let defaults = LossWeights()
        self.init(hard: try reader.number("hard", default: defaults.hard),
                  logits: try reader.number("logits", default: defaults.logits),
                  features: try reader.number("features", default: defaults.features),
                  attention: try reader.number("attention", default: defaults.attention),
                  contrastive: try reader.number("contrastive", default: defaults.contrastive))
        try reader.finish()
        try reader.validate(self.validate)
    }

    var json: JSONValue {
        .object(["hard": .number(hard), "logits": .number(logits), "features": .number(features),
                 "attention": .number(attention), "contrastive": .number(contrastive)])
    }
}
