import CKernels

extension Tensor {
    /// max(x, 0) elementwise.
    public func relu() -> Tensor {
        let out = uninitializedStorage(count) { o in
            storage.withUnsafeBufferPointer { x in
                Parallel.forEachRange(count, grain: 1 << 15) { range in
                    for i in range { o[i] = max(x[i], 0) }
                }
            }
        }
        return Tensor(shape: shape, storage: out, parents: [self]) { [self] result in
            let g = result.grad!
            withGradBuffer { dx in
                for i in 0..<count where storage[i] > 0 { dx[i] += g[i] }
            }
        }
    }

    /// GELU in its exact form, x · Φ(x) = ½x(1 + erf(x/√2)) (PyTorch's default).
    /// When a graph is recorded the derivative is kept from the forward pass, which computes
    /// everything it needs anyway. The kernel is C (`CKernels`), vectorised for AVX2 when present.
    public func gelu() -> Tensor {
        let recording = GradientMode.isEnabled && requiresGrad
        var derivative = recording ? [Float](repeating: 0, count: count) : []
        let out = uninitializedStorage(count) { o in
            storage.withUnsafeBufferPointer { x in
                derivative.withUnsafeMutableBufferPointer { d in
                    Parallel.forEachRange(count, grain: 1 << 14) { range in
                        condenser_gelu(x.baseAddress! + range.lowerBound, o.baseAddress! + range.lowerBound,
                                       recording ? d.baseAddress! + range.lowerBound : nil, range.count)
                    }
                }
            }
        }
        return Tensor(shape: shape, storage: out, parents: [self]) { [self] result in
            result.grad!.withUnsafeBufferPointer { g in
                derivative.withUnsafeBufferPointer { d in
                    withGradBuffer { dx in
                        Tensor.forEachVector(count) { i in
                            let sum = VectorMath.load(dx + i) + VectorMath.load(g.baseAddress! + i) * VectorMath.load(d.baseAddress! + i)
                            VectorMath.store(sum, dx + i)
                        } tail: { i in
                            dx[i] += g[i] * d[i]
                        }
                    }
                }
            }
        }
    }

    /// Runs `vector(i)` for each full 8-lane block and `tail(i)` for the remainder, on all cores when large.
    @inline(__always)
    static func forEachVector(_ count: Int, _ vector: (Int) -> Void, tail: (Int) -> Void) {
        let blocks = count / 8
        Parallel.forEachRange(blocks, grain: 2048) { range in
            for block in range { vector(block * 8) }
        }
        for i in (blocks * 8)..<count { tail(i) }
    }
}
