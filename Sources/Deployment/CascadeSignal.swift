/// The score a cascade thresholds, higher meaning the student is surer of its answer; a sample
/// whose score falls below the threshold goes to the teacher.
public enum CascadeSignal: String, CaseIterable, Sendable, Codable {
    /// Max softmax probability.
    case confidence
    /// Top-2 probability gap.
    case margin
    /// Minus the answer entropy.
    case entropy
    /// The essay's vision certainty.
    case visionCertainty = "vision-certainty"
    /// The essay's text certainty.
    case textCertainty = "text-certainty"
    /// A logistic regression of all five on "the student is right", fitted on the calibration set.
    case combined

    /// Per-sample scores of `certainty`; `combined` needs its fitted `combination`.
    public func scores(_ certainty: Certainty, combination: LogisticCombination? = nil) -> [Float] {
        switch self {
        case .confidence: certainty.confidence
        case .margin: certainty.margin
        case .entropy: certainty.entropy.map { -$0 }
        case .visionCertainty: certainty.vision
        case .textCertainty: certainty.text
        case .combined:
            if let combination { combination.probabilities(certainty) } else { preconditionFailure("combined needs its fit") }
        }
    }
}
