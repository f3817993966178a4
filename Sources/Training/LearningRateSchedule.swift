import Foundation

/// Linear warm-up from 0 to `peak` over `warmupSteps`, then cosine decay to 0 at `totalSteps`.
public struct LearningRateSchedule: Sendable {
    public let peak: Float
    public let warmupSteps: Int
    public let totalSteps: Int

    public init(peak: Float, warmupSteps: Int, totalSteps: Int) {
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.totalSteps = max(totalSteps, 1)
    }

    /// Rate for the update with 0-based index `step`.
    public func rate(at step: Int) -> Float {
        if step < warmupSteps { return peak * Float(step + 1) / Float(warmupSteps) }
        let decaySteps = max(totalSteps - warmupSteps, 1)
        let progress = min(Double(step - warmupSteps) / Double(decaySteps), 1)
        return peak * Float(0.5 * (1 + cos(Double.pi * progress)))
    }
}
