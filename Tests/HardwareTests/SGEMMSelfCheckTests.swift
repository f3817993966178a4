import Testing
@testable import Hardware

@Suite struct SGEMMSelfCheckTests {
    /// Row-major C = alpha·op(A)·op(B) + beta·C by the definition, with `error` added to C[0, 0]
    /// of the products with k ≥ `fromK`.
    static func naive(error: Float = 0, fromK: Int = 0) -> SGEMMSelfCheck.GEMM {
        { transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc in
            for i in 0..<m {
                for j in 0..<n {
                    var sum: Float = 0
                    for p in 0..<k {
                        sum += (transposeA ? a[p * lda + i] : a[i * lda + p]) * (transposeB ? b[j * ldb + p] : b[p * ldb + j])
                    }
                    c[i * ldc + j] = alpha * sum + beta * c[i * ldc + j]
                }
            }
            if k >= fromK { c[0] += error }
        }
    }

    @Test func openBLASOnThisMachinePasses() {
        #expect(SGEMMSelfCheck.run() == nil)
    }

    @Test func wrongProductsAreCaught() {
        #expect(SGEMMSelfCheck.run(gemm: Self.naive()) == nil)
        #expect(SGEMMSelfCheck.run(gemm: Self.naive(error: 1e-7)) == nil, "float rounding is tolerated")
        let failure = SGEMMSelfCheck.run(gemm: Self.naive(error: 0.01, fromK: 33))
        #expect(failure?.hasPrefix("sgemm 17×9×33 (NN) gave") == true, "\(failure ?? "nil")")
        // A kernel that ignores beta.
        let ignoresBeta: SGEMMSelfCheck.GEMM = { ta, tb, m, n, k, alpha, a, lda, b, ldb, _, c, ldc in
            Self.naive()(ta, tb, m, n, k, alpha, a, lda, b, ldb, 0, c, ldc)
        }
        #expect(SGEMMSelfCheck.run(gemm: ignoresBeta)?.hasPrefix("sgemm 1×1×1 (NN)") == true)
    }
}
