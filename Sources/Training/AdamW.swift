import Foundation
import TensorCore

/// AdamW with PyTorch's semantics (`torch.optim.AdamW`): decoupled weight decay
/// p ← p·(1 − lr·λ), then p ← p − lr·m̂/(√v̂ + ε) with bias-corrected moments.
/// Weight decay applies to matrices and embedding tables (rank ≥ 2), not to biases or norms.
public final class AdamW {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    /// Completed update steps.
    public private(set) var step = 0
    /// First and second moments, one array per parameter (saved with training checkpoints).
    public private(set) var firstMoments: [[Float]]
    public private(set) var secondMoments: [[Float]]

    public init(parameters: [Tensor], learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0.01) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon; self.weightDecay = weightDecay
        firstMoments = parameters.map { [Float](repeating: 0, count: $0.count) }
        secondMoments = parameters.map { [Float](repeating: 0, count: $0.count) }
    }

    /// Restores moments and step count saved from an optimizer over the same parameters.
    public func restore(step: Int, firstMoments: [[Float]], secondMoments: [[Float]]) {
        precondition(firstMoments.map(\.count) == parameters.map(\.count) && secondMoments.map(\.count) == parameters.map(\.count),
                     "optimizer state does not match the parameters")
        self.step = step
        self.firstMoments = firstMoments
        self.secondMoments = secondMoments
    }

    /// Applies one update from each parameter's `.grad` (parameters without a gradient are skipped).
    public func update() {
        step += 1
        let correction1 = 1 - pow(beta1, Float(step)), correction2 = 1 - pow(beta2, Float(step))
        let stepSize = learningRate / correction1
        let inverseRoot2 = 1 / correction2.squareRoot()
        for (index, parameter) in parameters.enumerated() {
            guard let grad = parameter.grad else { continue }
            let decay = parameter.rank >= 2 ? 1 - learningRate * weightDecay : 1
            let count = parameter.count
            grad.withUnsafeBufferPointer { g in
                parameter.storage.withUnsafeMutableBufferPointer { p in
                    firstMoments[index].withUnsafeMutableBufferPointer { m in
                        secondMoments[index].withUnsafeMutableBufferPointer { v in
                            for i in 0..<count {
                                let gi = g[i]
                                m[i] = beta1 * m[i] + (1 - beta1) * gi
                                v[i] = beta2 * v[i] + (1 - beta2) * gi * gi
                                p[i] = p[i] * decay - stepSize * m[i] / ((v[i]).squareRoot() * inverseRoot2 + epsilon)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Clears every parameter's gradient before the next backward pass.
    public func zeroGradients() {
        for parameter in parameters { parameter.grad = nil }
    }
}

