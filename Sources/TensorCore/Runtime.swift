import COpenBLAS

/// Process-wide settings the tensor core needs, applied once before the first GEMM.
enum Runtime {
    /// OpenBLAS on one thread (`BLAS.gemm` parallelises itself), and glibc malloc told to keep
    /// freed tensor buffers for reuse: by default it hands blocks above its mmap threshold back to
    /// the kernel, so every op's output would pay fresh page faults and page zeroing.
    static let configured: Void = {
        openblas_set_num_threads(1)
        #if os(Linux)
        _ = glibcMallopt(-3, 1 << 30)  // M_MMAP_THRESHOLD
        _ = glibcMallopt(-1, 1 << 30)  // M_TRIM_THRESHOLD
        #endif
    }()
}

#if os(Linux)
/// glibc's `mallopt` (declared in malloc.h, which the Glibc module does not import).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
