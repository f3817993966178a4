import TensorCore

/// Scales all gradients down together when their global L2 norm exceeds `maximumNorm`
/// (PyTorch `clip_grad_norm_`). Returns the norm before clipping.
@discardableResult
public func clipGradients(of parameters: [Tensor], maximumNorm: Float) -> Float {
    var total: Double = 0
    for parameter in parameters {
        guard let grad = parameter.grad else { continue }
        for value in grad { total += Double(value) * Double(value) }
    }
    let norm = Float(total.squareRoot())
    if norm > maximumNorm, norm.isFinite {
        let scale = maximumNorm / (norm + 1e-6)
        for parameter in parameters where parameter.grad != nil {
            for i in parameter.grad!.indices { parameter.grad![i] *= scale }
        }
    }
    return norm
}
