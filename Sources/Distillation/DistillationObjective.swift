/// How the student is taught: each loss term's weight and the temperatures.
public struct DistillationObjective: Sendable, Equatable {
    /// Cross-entropy against the labels.
    public var hard: Float
    /// T²·KL of temperature-softened teacher and student distributions.
    public var logits: Float
    /// MSE between the projected student fused vector and the teacher's.
    public var features: Float
    /// KL between head-averaged cross-attention maps.
    public var attention: Float
    /// Symmetric InfoNCE on the student's global vectors plus matching the teacher's in-batch similarities.
    public var contrastive: Float
    /// Softening temperature T of the logit term.
    public var temperature: Float
    /// τ of the contrastive terms.
    public var contrastiveTemperature: Float

    public init(hard: Float, logits: Float = 0, features: Float = 0, attention: Float = 0, contrastive: Float = 0,
                temperature: Float = 4, contrastiveTemperature: Float = 0.07) {
        (self.hard, self.logits, self.features, self.attention, self.contrastive) = (hard, logits, features, attention, contrastive)
        (self.temperature, self.contrastiveTemperature) = (temperature, contrastiveTemperature)
    }

    /// Whether any term needs the teacher.
    public var needsTeacher: Bool { logits > 0 || features > 0 || attention > 0 || contrastive > 0 }
}
