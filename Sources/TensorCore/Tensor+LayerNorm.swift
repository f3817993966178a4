import Foundation

extension Tensor {
    /// Layer normalisation over the last axis (PyTorch `nn.LayerNorm`):
    /// y = (x − mean) / sqrt(var + eps) · weight + bias, biased variance.
    /// x: [.., D], weight: [D], bias: [D] → [.., D]
    public static func layerNorm(_ x: Tensor, weight: Tensor, bias: Tensor, epsilon: Float = 1e-5) -> Tensor {
        let d = x.shape.last ?? 1
        precondition(weight.shape == [d] && bias.shape == [d], "layerNorm of \(x.shape) needs weight and bias [\(d)]")
        let rows = x.count / max(d, 1)
        // Per-row mean and 1/σ, kept for the backward pass.
        var means = [Float](repeating: 0, count: rows), inverseDeviations = [Float](repeating: 0, count: rows)
        let out = uninitializedStorage(x.count) { o in
            x.storage.withUnsafeBufferPointer { xp in
                weight.storage.withUnsafeBufferPointer { w in
                    bias.storage.withUnsafeBufferPointer { b in
                        means.withUnsafeMutableBufferPointer { mp in
                            inverseDeviations.withUnsafeMutableBufferPointer { rp in
                                Parallel.forEachRange(rows, grain: 64) { range in
                                    for row in range {
                                        let src = xp.baseAddress! + row * d, dst = o.baseAddress! + row * d
                                        var total: Float = 0
                                        for j in 0..<d { total += src[j] }
                                        let mean = total / Float(d)
                                        var squares: Float = 0
                                        for j in 0..<d { let c = src[j] - mean; squares += c * c }
                                        let inverse = 1 / Foundation.sqrt(squares / Float(d) + epsilon)
                                        for j in 0..<d { dst[j] = (src[j] - mean) * inverse * w[j] + b[j] }
                                        mp[row] = mean
                                        rp[row] = inverse
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: x.shape, storage: out, parents: [x, weight, bias]) { result in
            // x̂ = (x − μ)/σ; dx = (1/σ)·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = dy·w;
            // dw = Σ dy·x̂; db = Σ dy.
            let g = result.grad!
            var dWeight = [Float](repeating: 0, count: d), dBias = [Float](repeating: 0, count: d)
            let xs = x.storage, w = weight.storage
            x.withGradBufferIfNeeded { dx in
                var normalized = [Float](repeating: 0, count: d)
                for row in 0..<rows {
                    let base = row * d
                    let (mean, inverse) = (means[row], inverseDeviations[row])
                    var sumG: Float = 0, sumGX: Float = 0
                    for j in 0..<d {
                        let xhat = (xs[base + j] - mean) * inverse
                        normalized[j] = xhat
                        let gj = g[base + j]
                        dWeight[j] += gj * xhat
                        dBias[j] += gj
                        let ghat = gj * w[j]
                        sumG += ghat
                        sumGX += ghat * xhat
                    }
                    guard let dx else { continue }
                    let (meanG, meanGX) = (sumG / Float(d), sumGX / Float(d))
                    for j in 0..<d {
                        dx[base + j] += inverse * (g[base + j] * w[j] - meanG - normalized[j] * meanGX)
                    }
                }
            }
            if weight.requiresGrad { weight.accumulateGrad(dWeight) }
            if bias.requiresGrad { bias.accumulateGrad(dBias) }
        }
    }
}

extension Tensor {
    /// Calls `body` with the gradient buffer when this tensor requires a gradient, else with nil.
    func withGradBufferIfNeeded(_ body: (UnsafeMutablePointer<Float>?) -> Void) {
        if requiresGrad { withGradBuffer { body($0) } } else { body(nil) }
    }
}
