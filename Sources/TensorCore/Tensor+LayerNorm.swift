import CKernels

extension Tensor {
    /// Layer normalisation over the last axis (PyTorch `nn.LayerNorm`):
    /// y = (x − mean) / sqrt(var + eps) · weight + bias, biased variance.
    /// x: [.., D], weight: [D], bias: [D] → [.., D]
    public static func layerNorm(_ x: Tensor, weight: Tensor, bias: Tensor, epsilon: Float = 1e-5) -> Tensor {
        let d = x.shape.last ?? 1
        precondition(weight.shape == [d] && bias.shape == [d], "layerNorm of \(x.shape) needs weight and bias [\(d)]")
        let rows = x.count / max(d, 1)
        // Per-row mean and 1/σ, kept for the backward pass.
        var statistics = [Float](repeating: 0, count: 2 * rows)
        let out = uninitializedStorage(x.count) { o in
            x.storage.withUnsafeBufferPointer { xp in
                weight.storage.withUnsafeBufferPointer { w in
                    bias.storage.withUnsafeBufferPointer { b in
                        statistics.withUnsafeMutableBufferPointer { stats in
                            Parallel.forEachRange(rows, grain: 64) { range in
                                condenser_layer_norm(xp.baseAddress! + range.lowerBound * d, o.baseAddress! + range.lowerBound * d,
                                                     range.count, d, w.baseAddress!, b.baseAddress!, epsilon,
                                                     stats.baseAddress! + 2 * range.lowerBound, Int32(CONDENSER_VECTOR_BEST))
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: x.shape, storage: out, parents: [x, weight, bias]) { result in
            // x̂ = (x − μ)/σ; dx = (1/σ)·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = dy·w;
            // dw = Σ dy·x̂; db = Σ dy (summed per chunk of rows, then across chunks).
            let chunks = Parallel.chunkCount(rows, grain: 64)
            var partials = [Float](repeating: 0, count: chunks * 2 * d)
            result.grad!.withUnsafeBufferPointer { g in
                x.storage.withUnsafeBufferPointer { xp in
                    weight.storage.withUnsafeBufferPointer { w in
                        partials.withUnsafeMutableBufferPointer { partial in
                            x.withGradBufferIfNeeded { dx in
                                Parallel.forEachChunk(rows, grain: 64) { chunk, range in
                                    let dWeight = partial.baseAddress! + chunk * 2 * d, dBias = dWeight + d
                                    var normalized = [Float](repeating: 0, count: d)
                                    for row in range {
                                        let base = row * d
                                        let (mean, inverse) = (statistics[2 * row], statistics[2 * row + 1])
                                        var sumG: Float = 0, sumGX: Float = 0
                                        for j in 0..<d {
                                            let xhat = (xp[base + j] - mean) * inverse
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
                            }
                        }
                    }
                }
            }
            var dWeight = [Float](repeating: 0, count: d), dBias = [Float](repeating: 0, count: d)
            for chunk in 0..<chunks {
                for j in 0..<d { dWeight[j] += partials[chunk * 2 * d + j]; dBias[j] += partials[chunk * 2 * d + d + j] }
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
