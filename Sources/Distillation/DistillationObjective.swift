
/// How the student is taught: each loss term's weight (`distill.losses`) and the temperatures.
public struct DistillationObjective: Sendable, Equatable {
    public var weights: LossWeights
    /// Softening temperature T of the logit term.
    public var temperature: Float
    /// τ of the contrastive terms.
    public var contrastiveTemperature: Float

    public init(weights: LossWeights, temperature: Float = 4, contrastiveTemperature: Float = 0.07) {
        self.weights = weights
        self.temperature = temperature
        self.contrastiveTemperature = contrastiveTemperature
    }

    /// Labels only: the scratch baseline.
    public static let labelsOnly = DistillationObjective(weights: LossWeights(hard: 1))

    /// Whether any term needs the teacher.
    public var needsTeacher: Bool { weights.logits > 0 || weights.features > 0 || weights.attention > 0 || weights.contrastive > 0 }
}
