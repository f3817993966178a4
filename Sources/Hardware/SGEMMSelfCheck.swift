import COpenBLAS

/// A few small `cblas_sgemm` products checked against a naive double-precision loop: the proof a
/// core must give before Condenser trusts it (some OpenBLAS builds compute wrong results on
/// processors their kernels were not written for). Odd sizes straddle the kernels' 4-, 8- and
/// 16-wide blocks and their tails; every transpose combination, a non-unit alpha and beta.
/// Costs about 0.2 ms.
public enum SGEMMSelfCheck {
    /// (m, n, k) of the products checked.
    static let shapes = [(1, 1, 1), (3, 5, 7), (17, 9, 33), (33, 31, 67)]

    /// Largest error allowed, relative to Σ|alpha·a·b| + |beta·c|: float rounding of k terms is far below it.
    static let tolerance = 1e-5

    /// nil when every product agrees with the naive loop, else a description of the first that does not.
    public static func run() -> String? {
        run { transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc in
            cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        }
    }

    /// Row-major C[m, n] = alpha·op(A)·op(B) + beta·C, as `cblas_sgemm` computes it.
    public typealias GEMM = (_ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
                             _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float,
                             _ c: UnsafeMutablePointer<Float>, _ ldc: Int) -> Void

    /// The check against any `gemm` (tests pass a broken one).
    public static func run(gemm: GEMM) -> String? {
        var state: UInt32 = 12345
        func next() -> Float {  // a small LCG: values in [-1, 1]
            state = state &* 1_103_515_245 &+ 12345
            return Float(Int(state >> 8) % 2001 - 1000) / 1000
        }
        let (alpha, beta): (Float, Float) = (1.5, 0.25)
        for (m, n, k) in shapes {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    let a = (0..<m * k).map { _ in next() }, b = (0..<k * n).map { _ in next() }
                    let initial = (0..<m * n).map { _ in next() }
                    var c = initial
                    let (lda, ldb) = (transposeA ? m : k, transposeB ? k : n)
                    gemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, &c, n)
                    for i in 0..<m {
                        for j in 0..<n {
                            var sum = 0.0, magnitude = 0.0
                            for p in 0..<k {
                                let product = Double(transposeA ? a[p * m + i] : a[i * k + p])
                                    * Double(transposeB ? b[j * k + p] : b[p * n + j])
                                sum += product
                                magnitude += abs(product)
                            }
                            let expected = Double(alpha) * sum + Double(beta) * Double(initial[i * n + j])
                            let scale = Double(alpha) * magnitude + abs(Double(beta) * Double(initial[i * n + j])) + 1e-30
                            if abs(Double(c[i * n + j]) - expected) > tolerance * scale {
                                return "sgemm \(m)×\(n)×\(k) (\(transposeA ? "T" : "N")\(transposeB ? "T" : "N")) "
                                    + "gave \(c[i * n + j]) at [\(i), \(j)], expected \(Float(expected))"
                            }
                        }
                    }
                }
            }
        }
        return nil
    }
}
