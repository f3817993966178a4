import TensorCore
import Testing

/// Central finite differences against autograd.
///
/// The checked scalar is L = Σ f(x)·R with fixed random weights R, so every output element's
/// gradient matters. Numeric derivatives are taken on the Float forward with step `step` and the
/// sum is accumulated in Double; the tolerance |analytic − numeric| ≤ absolute + relative·|numeric|
/// is far below the error any wrong factor, sign or index would cause.
public func checkGradients(_ inputs: [Tensor], step: Float = 1e-2, absolute: Double = 2e-3, relative: Double = 1e-2,
                    sourceLocation: SourceLocation = #_sourceLocation, _ f: ([Tensor]) -> Tensor) {
    for input in inputs { input.requiresGrad = true; input.grad = nil }
    let output = f(inputs)
    var generator = RandomGenerator(seed: 99)
    let weights = (0..<output.count).map { _ in generator.uniform(-1, 1) }
    output.backward(seed: weights)

    func loss() -> Double {
        let y = Tensor.withoutGradients { f(inputs) }
        return zip(y.storage, weights).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
    for (index, input) in inputs.enumerated() {
        let analytic = input.grad ?? [Float](repeating: 0, count: input.count)
        for i in 0..<input.count {
            let original = input.storage[i]
            input.storage[i] = original + step
            let plus = loss()
            input.storage[i] = original - step
            let minus = loss()
            input.storage[i] = original
            let numeric = (plus - minus) / (2 * Double(step))
            let error = Swift.abs(Double(analytic[i]) - numeric)
            #expect(error <= absolute + relative * Swift.abs(numeric),
                    "input \(index) element \(i): autograd \(analytic[i]), finite difference \(numeric)",
                    sourceLocation: sourceLocation)
        }
    }
}

/// A tensor of uniform values in [-scale, scale), deterministic for `seed`.
public func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
    var generator = RandomGenerator(seed: seed)
    return Tensor.uniform(shape, bound: scale, generator: &generator)
}
