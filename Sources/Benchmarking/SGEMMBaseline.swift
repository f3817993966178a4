import TensorCore

/// One plain single-precision product C[m, n] = A[m, k]·B[n, k]ᵀ (the layout of a Linear layer)
/// through `BLAS.gemm` on the tensor core's threads: the yardstick for a model's speed, measured
/// in the same run so that figures from different machines and loads can be compared.
public final class SGEMMBaseline {
    public let m: Int
    public let n: Int
    public let k: Int
    private let a: [Float]
    private let b: [Float]
    private var c: [Float]

    /// The fixed shape `condenser bench` reports: 512×512×512, about a quarter GFLOP per product.
    public static let referenceShape = (m: 512, n: 512, k: 512)

    public init(m: Int, n: Int, k: Int) {
        (self.m, self.n, self.k) = (m, n, k)
        a = [Float](repeating: 0.5, count: m * k)
        b = [Float](repeating: 0.25, count: k * n)
        c = [Float](repeating: 0, count: m * n)
    }

    /// Floating-point operations of one product (a multiply-add counts 2).
    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

    /// One product.
    public func run() {
        a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
            BLAS.gemm(transposeA: false, transposeB: true, m: m, n: n, k: k, a: ap.baseAddress!, lda: k,
                      b: bp.baseAddress!, ldb: k, beta: 0, c: cp.baseAddress!, ldc: n)
        } } }
    }

    /// GFLOP/s at the median time of `iterations` products after `warmup` untimed ones.
    public func measureGFLOPS(warmup: Int, iterations: Int) -> Double {
        for _ in 0..<warmup { run() }
        let median = LatencyStatistics(seconds: (0..<max(1, iterations)).map { _ in WallClock.seconds { run() } }).p50 / 1e3
        return flops / median / 1e9
    }
}
