import COpenBLAS

/// Row-major single-precision GEMM through OpenBLAS.
///
/// OpenBLAS runs single-threaded; `gemm` splits large products across `Parallel.threadCount`
/// workers itself. One thread pool for GEMMs and for elementwise and attention loops avoids
/// OpenBLAS's idle threads spinning against ours.
public enum BLAS {
    /// Products below this many multiply-adds run on one thread.
    static let parallelThreshold = 1 << 17

    /// C[m, n] = alpha · op(A)[m, k] · op(B)[k, n] + beta · C, row-major with leading dimensions,
    /// split by rows of C (or by columns when C is short and wide) across the cores.
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let workers = Parallel.threadCount
        guard workers > 1, m * n * k >= parallelThreshold else {
            return serialGEMM(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                              a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
        if m >= 8 * workers || m >= n {
            // Rows of C: row i of op(A) starts at a + i·lda (or a + i when A is transposed).
            Parallel.forEachRange(m, grain: 1) { rows in
                serialGEMM(transposeA: transposeA, transposeB: transposeB, m: rows.count, n: n, k: k, alpha: alpha,
                           a: a + rows.lowerBound * (transposeA ? 1 : lda), lda: lda, b: b, ldb: ldb,
                           beta: beta, c: c + rows.lowerBound * ldc, ldc: ldc)
            }
        } else {
            // Columns of C: column j of op(B) starts at b + j (or b + j·ldb when B is transposed).
            Parallel.forEachRange(n, grain: 1) { columns in
                serialGEMM(transposeA: transposeA, transposeB: transposeB, m: m, n: columns.count, k: k, alpha: alpha,
                           a: a, lda: lda, b: b + columns.lowerBound * (transposeB ? ldb : 1), ldb: ldb,
                           beta: beta, c: c + columns.lowerBound, ldc: ldc)
            }
        }
    }

    /// The same product on the calling thread only (for use inside parallel loops).
    public static func serialGEMM(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        _ = Runtime.configured
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            // op(A)·op(B) is empty: C = beta · C (BLAS would skip the scaling only when beta == 1).
            if beta != 1 { for row in 0..<m { for col in 0..<n { c[row * ldc + col] *= beta } } }
            return
        }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
