import CKernels
import Foundation

extension Tensor {
    /// Numerically stable softmax over the last axis. [.., N] → [.., N]
    public func softmax() -> Tensor {
        let n = shape.last ?? 1
        let rows = count / max(n, 1)
        let out = uninitializedStorage(count) { o in
            storage.withUnsafeBufferPointer { x in
                Parallel.forEachRange(rows, grain: 256) { range in
                    for row in range { Tensor.softmaxRow(x.baseAddress! + row * n, o.baseAddress! + row * n, n) }
                }
            }
        }
        return Tensor(shape: shape, storage: out, parents: [self]) { [self] result in
            // dx = y ⊙ (dy − Σ dy·y)
            let g = result.grad!, y = result.storage
            withGradBuffer { dx in
                for row in 0..<rows {
                    let base = row * n
                    var dot: Float = 0
                    for j in 0..<n { dot += g[base + j] * y[base + j] }
                    for j in 0..<n { dx[base + j] += y[base + j] * (g[base + j] - dot) }
                }
            }
        }
    }

    /// Numerically stable log-softmax over the last axis. [.., N] → [.., N]
    public func logSoftmax() -> Tensor {
        let n = shape.last ?? 1
        let rows = count / max(n, 1)
        let out = uninitializedStorage(count) { o in
            storage.withUnsafeBufferPointer { x in
                for row in 0..<rows {
                    let base = row * n
                    var maximum = -Float.infinity
                    for j in 0..<n { maximum = max(maximum, x[base + j]) }
                    var total: Float = 0
                    for j in 0..<n { total += VectorMath.exp(x[base + j] - maximum) }
                    let logTotal = Foundation.log(total)
                    for j in 0..<n { o[base + j] = (x[base + j] - maximum) - logTotal }
                }
            }
        }
        return Tensor(shape: shape, storage: out, parents: [self]) { [self] result in
            // dx = dy − softmax · Σ dy
            let g = result.grad!, y = result.storage
            withGradBuffer { dx in
                for row in 0..<rows {
                    let base = row * n
                    var total: Float = 0
                    for j in 0..<n { total += g[base + j] }
                    for j in 0..<n { dx[base + j] += g[base + j] - VectorMath.exp(y[base + j]) * total }
                }
            }
        }
    }

    /// Softmax of one row of `n` values (the C kernel, AVX2 or portable); entries equal to -∞ get
    /// exactly 0, and a row that is all -∞ (every key masked) becomes all zeros rather than NaN.
    @inline(__always)
    static func softmaxRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        condenser_softmax_rows(x, y, 1, n, 0)
    }
}
