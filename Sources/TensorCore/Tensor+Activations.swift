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
    public func gelu() -> Tensor {
        let out = uninitializedStorage(count) { o in
            storage.withUnsafeBufferPointer { x in
                Tensor.forEachVector(count) { i in
                    let v = VectorMath.load(x.baseAddress! + i)
                    VectorMath.store(0.5 * v * (1 + VectorMath.erf(v * 0.707_106_78)), o.baseAddress! + i)
                } tail: { i in
                    o[i] = 0.5 * x[i] * (1 + VectorMath.erf(x[i] * 0.707_106_78))
                }
            }
        }
        return Tensor(shape: shape, storage: out, parents: [self]) { [self] result in
            // d/dx = Φ(x) + x·φ(x), φ(x) = e^{-x²/2}/√(2π)
            result.grad!.withUnsafeBufferPointer { g in
                storage.withUnsafeBufferPointer { x in
                    withGradBuffer { dx in
                        Tensor.forEachVector(count) { i in
                            let v = VectorMath.load(x.baseAddress! + i)
                            let cdf = 0.5 * (1 + VectorMath.erf(v * 0.707_106_78))
                            let pdf = VectorMath.exp(-0.5 * v * v) * 0.398_942_28
                            let d = VectorMath.load(dx + i) + VectorMath.load(g.baseAddress! + i) * (cdf + v * pdf)
                            VectorMath.store(d, dx + i)
                        } tail: { i in
                            let v = x[i]
                            let cdf = 0.5 * (1 + VectorMath.erf(v * 0.707_106_78))
                            dx[i] += g[i] * (cdf + v * VectorMath.exp(-0.5 * v * v) * 0.398_942_28)
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
