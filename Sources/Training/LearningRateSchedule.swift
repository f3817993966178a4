import Foundation

/// Linear warm-up from 0 to `peak` over `warmupSteps`, then cosine decay to 0 at the end, in each
/// segment of the run: one segment for a plain run, one per curriculum stage (and one for the
/// whole task after them) when a curriculum starts the rate again with each new kind of data.
public struct LearningRateSchedule: Sendable {
    public let peak: Float
    public let warmupSteps: Int
    /// Steps of each segment, in order.
    public let segmentSteps: [Int]

    public init(peak: Float, warmupSteps: Int, totalSteps: Int) {
        self.init(peak: peak, warmupSteps: warmupSteps, segmentSteps: [totalSteps])
    }

    public init(peak: Float, warmupSteps: Int, segmentSteps: [Int]) {
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.segmentSteps = segmentSteps.map { max($0, 1) }
    }

    public var totalSteps: Int { segmentSteps.reduce(0, +) }

    /// Rate for the update with 0-based index `step` (steps past the end take the last segment's final rate).
    public func rate(at step: Int) -> Float {
        var start = 0, length = segmentSteps.last ?? 1
        for steps in segmentSteps {
            length = steps
            if step < start + steps { break }
            start += steps
        }
        if start >= totalSteps { start = totalSteps - length }
        let local = step - start
        if local < warmupSteps { return peak * Float(local + 1) / Float(warmupSteps) }
        let decaySteps = max(length - warmupSteps, 1)
        let progress = min(Double(local - warmupSteps) / Double(decaySteps), 1)
        return peak * Float(0.5 * (1 + cos(Double.pi * progress)))
    }
}
