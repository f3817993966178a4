import Models
import Pruning
import Training

extension PruningSettings {
    /// Reads the whole `prune` object and checks it against the student it will prune. Recovery
    /// trains as `distill` does (batch size, weight decay, at most 50 warmup steps) at its own `lr`.
    /// `{"heads": 0.5, "keep_tokens": 0.5, "after_layer": 1, "mlp": 0.0, "recover_epochs": 2}`.
    init(reading reader: inout JSONObjectReader, student: ModelConfig, distill: TrainingSettings) throws(RecipeError) {
        let defaults = PruningSettings()
        var keepTokens: Double?
        if reader.contains("keep_tokens") { keepTokens = try reader.double("keep_tokens") }
        let recoverEpochs = try reader.integer("recover_epochs", default: 0)
        let learningRate = try reader.number("lr", default: Self.defaultRecoveryLearningRate)
        self.init(heads: try reader.double("heads", default: 0),
                  headMethod: try reader.choice("heads_method", default: defaults.headMethod),
                  keepTokens: keepTokens,
                  afterLayer: try reader.integer("after_layer", default: defaults.afterLayer),
                  tokenScoring: try reader.choice("token_scoring", default: defaults.tokenScoring),
                  mlp: try reader.double("mlp", default: 0),
                  steps: try reader.integer("steps", default: defaults.steps),
                  samples: try reader.integer("samples", default: defaults.samples),
                  recovery: recoverEpochs == 0 ? nil : TrainingSettings(
                      epochs: recoverEpochs, batchSize: distill.batchSize, learningRate: learningRate,
                      weightDecay: distill.weightDecay, warmupSteps: min(distill.warmupSteps, 50)))
        try reader.finish()
        try reader.validate { () throws(SettingError) in
            try SettingError.check("recover_epochs", recoverEpochs, atLeast: 0, atMost: 10_000)
            try validate(for: student, original: student, named: "the student")
        }
    }

    var json: JSONValue {
        var members: [String: JSONValue] = [
            "heads": .number(heads), "heads_method": .string(headMethod.rawValue), "after_layer": .number(afterLayer),
            "token_scoring": .string(tokenScoring.rawValue), "mlp": .number(mlp), "steps": .number(steps),
            "samples": .number(samples), "recover_epochs": .number(recovery?.epochs ?? 0),
            "lr": .number(recovery?.learningRate ?? Self.defaultRecoveryLearningRate),
        ]
        if let keepTokens { members["keep_tokens"] = .number(keepTokens) }
        return .object(members)
    }
}
