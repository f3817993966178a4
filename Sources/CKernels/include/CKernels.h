#ifndef CONDENSER_CKERNELS_H
#define CONDENSER_CKERNELS_H

/// The vector paths of the float kernels (linear layer, GELU, softmax, LayerNorm). BEST is the
/// widest the CPU has, found at run time (AVX2 and AVX-512 paths also need FMA); every path gives
/// bit-identical results (the same operations, fused multiply-adds only where written as such),
/// and a path the CPU lacks runs the portable code.
enum { CONDENSER_VECTOR_BEST = 0, CONDENSER_VECTOR_PORTABLE = 1, CONDENSER_VECTOR_AVX2 = 2, CONDENSER_VECTOR_AVX512 = 3 };

/// Whether this CPU runs vector `path`.
int condenser_vector_path_available(int path);
/// The path a call on `path` takes here: BEST resolved, one the CPU lacks replaced by PORTABLE.
int condenser_vector_path(int path);

/// GELU (exact erf form) of n floats: y[i] = x·Φ(x); when derivative is not NULL also
/// derivative[i] = Φ(x) + x·φ(x). On the best vector path (AVX-512, AVX2, portable).
void condenser_gelu(const float *x, float *y, float *derivative, long n);

/// condenser_gelu on `path` (for tests of the paths' agreement).
void condenser_gelu_on(int path, const float *x, float *y, float *derivative, long n);

/// GELU's short form for int8 products, whose GELU outputs become 7-bit codes: x/2 + |x|·D(|x|) with
/// D = Φ − 1/2 a degree-5 polynomial per unit interval of [0, 8) (1/2 beyond), picked by a permute
/// (experiments/gelu-short/fit.py). Within 1.5e-6 of GELU, three times as fast as condenser_gelu.
void condenser_gelu_short(const float *x, float *y, long n);

/// condenser_gelu_short on `path` (for tests of the paths' agreement).
void condenser_gelu_short_on(int path, const float *x, float *y, long n);

/// LayerNorm of each of `rows` rows of n values (PyTorch's nn.LayerNorm, biased variance):
/// y = (x − mean) · inverse · weight + bias with inverse = 1/√(variance + epsilon), writing each
/// row's mean and inverse to statistics[2r], statistics[2r + 1]. On vector `path`; all agree bit
/// for bit (LayerNorm.c names the order of the sums).
void condenser_layer_norm(const float *x, float *y, long rows, long n, const float *weight, const float *bias, float epsilon,
                          float *statistics, int path);

// MARK: float32 linear layers

/// Output channels per packed panel of condenser_linear's weights.
enum { CONDENSER_LINEAR_PANEL = 32 };

/// Floats of the packed form of a weight matrix W [n, k] (see condenser_linear_pack).
long condenser_linear_packed_count(long n, long k);

/// Packs W [n, k] (row-major, one row per output channel, PyTorch's Linear layout) for
/// condenser_linear: panels of 32 channels, k-major, the last panel zero-padded.
void condenser_linear_pack(const float *w, long n, long k, float *packed);

/// y[m, n] = x[m, k]·Wᵀ + bias[n] + residual[m, n] (bias and residual may be NULL), x, residual and
/// y with leading dimensions ldx, ldr and ldy; W packed by condenser_linear_pack. Each output is
/// a chain of fused multiply-adds over k in order from 0, then + bias, then + residual, on vector
/// `path` (CONDENSER_VECTOR_BEST: the widest the CPU has); all paths agree bit for bit.
/// Single-threaded: callers split rows across cores.
void condenser_linear(const float *x, long ldx, long m, const float *packed, long n, long k, const float *bias,
                      const float *residual, long ldr, float *y, long ldy, int path);

// MARK: int8 matrix products

#include <stdint.h>

/// Softmax of each of `rows` rows of n values (x and y may be the same): y = e^(x − max) / Σ with
/// GELU's exp (relative error ~2e-7), −∞ entries (masked keys) giving 0 and a row of only −∞ giving
/// zeros. On vector `path` (CONDENSER_VECTOR_BEST: the widest the CPU has); all agree bit for bit.
void condenser_softmax_rows(const float *x, float *y, long rows, long n, int path);

/// int8 elements of the packed form of a weight matrix W [n, k] (see condenser_qgemm_pack).
long condenser_qgemm_packed_count(long n, long k);

/// Packs W [n, k] (row-major int8, one row per output channel) for the products below: panels
/// of 16 channels (the last zero-padded), k in quads (padded with zeros). Also writes
/// column_sums[n] = Σ_k W[n, k], which the products use to remove the inputs' zero points.
void condenser_qgemm_pack(const int8_t *w, long n, long k, int8_t *packed, int32_t *column_sums);

/// C[m, n] = (Σ_k (A[m, k] − zp_m)·W[n, k]) · scale_m · col_scale[n] + bias[n] + R[m, n] (bias and
/// the residual R, row stride ldr, may be NULL),
/// with scale_m = row_scale[m·row_stride] and zp_m = row_zero_point[m·row_stride] (row_stride 0:
/// one for all rows). A: unsigned 7-bit codes [m, lda] with values in 0…127, lda ≥ k a multiple of
/// 4, padding columns zero; W packed by condenser_qgemm_pack. The integer sums are exact (the
/// int16 pair sums of vpmaddubsw cannot saturate on 7-bit codes) while k·127·128 < 2³¹; the float
/// epilogue is (((float)sum · scale_m) · col_scale + bias) + R. Runs on the best path the CPU has
/// (AVX512-VNNI, AVX-VNNI, AVX2, portable; see CONDENSER_QGEMM_BEST), all bit-identical.
/// Single-threaded: callers split rows or panels across cores.
void condenser_qgemm(const uint8_t *a, long lda, long m, const int8_t *packed, const int32_t *column_sums, long n, long k,
                     const float *row_scale, const int32_t *row_zero_point, long row_stride,
                     const float *col_scale, const float *bias, const float *residual, long ldr, float *c, long ldc);

/// The int8 product's code paths. BEST is the best one the CPU has (AVX512-VNNI, then AVX-VNNI,
/// then AVX2, then portable), found once at run time; every path gives bit-identical results.
enum {
    CONDENSER_QGEMM_BEST = 0,
    CONDENSER_QGEMM_PORTABLE = 1,
    CONDENSER_QGEMM_AVX2 = 2,
    CONDENSER_QGEMM_AVXVNNI = 3,
    CONDENSER_QGEMM_AVX512VNNI = 4,
};

/// Whether this CPU (and its operating system) can run `path`.
int condenser_qgemm_path_available(int path);
/// The path condenser_qgemm takes here.
int condenser_qgemm_best_path(void);
/// Makes `path` the one BEST takes from now on (BEST: the best available again); 0 when this CPU
/// cannot run it, which changes nothing. Not thread-safe: call it before products run (benchmarks
/// comparing paths on a whole model).
int condenser_qgemm_select(int path);
/// "avx512-vnni", "avx-vnni", "avx2" or "portable" (BEST: the name of the path taken here).
const char *condenser_qgemm_path_name(int path);

/// condenser_qgemm on `path` (for tests of the paths' agreement and for benchmarks); a path the
/// CPU lacks runs the portable code.
void condenser_qgemm_on(int path, const uint8_t *a, long lda, long m, const int8_t *packed, const int32_t *column_sums,
                        long n, long k, const float *row_scale, const int32_t *row_zero_point, long row_stride,
                        const float *col_scale, const float *bias, const float *residual, long ldr, float *c, long ldc);

/// The exact int32 sums C[m, n] = Σ_k A[m, k]·W[n, k] on `path` (for exactness tests).
void condenser_qgemm_int32(const uint8_t *a, long lda, long m, const int8_t *packed, long n, long k,
                           int32_t *c, long ldc, int path);

/// Quantizes rows of X [m, k] (leading dimension ldx) to unsigned 7-bit codes with a zero point:
/// Q[r, i] = clamp(round(X[r, i] · (1 / scale_r)), −zp_r, 127 − zp_r) + zp_r, rounding to nearest
/// even, with scale_r = scale[r·stride] and zp_r = zero_point[r·stride] in 0…127; columns k..<ldq
/// are set to zero. Runs the vector width of the product's `path` (CONDENSER_QGEMM_BEST: the one
/// condenser_qgemm takes); every path gives identical codes.
void condenser_quantize_rows(const float *x, long m, long k, long ldx, const float *scale, const int32_t *zero_point,
                             long stride, uint8_t *q, long ldq, int path);

// MARK: int8 attention

/// Bytes of scratch condenser_int8_attention needs for a head of tq queries, tk keys and hd features.
long condenser_int8_attention_scratch(long tq, long tk, long hd);

/// One head of attention for int8 models: weights [tq, tk] (contiguous) = softmax(Q·Kᵀ·scale)
/// with keys whose `keep` flag is 0 given zero weight (keep NULL: all attended; a row with none
/// gets zero weights and context), and context [tq, hd] (row stride ldc) = weights·V.
/// Q [tq, hd], K [tk, hd] and V [tk, hd] are read with row strides ldq, ldk and ldv.
/// Q·Kᵀ runs on 7-bit query codes and int8 key codes (a scale per row), P·V on 7-bit codes of the
/// softmax numerators and int8 value codes (a scale per feature), both exact in int32; the
/// softmax's exponential is fast_exp_kernel (ExpKernel.h). On the int8 product's `path`
/// (CONDENSER_QGEMM_BEST: the one condenser_qgemm takes); all paths agree bit for bit.
/// `scratch`: condenser_int8_attention_scratch(tq, tk, hd) bytes.
void condenser_int8_attention(const float *q, long ldq, long tq, const float *k, long ldk, const float *v, long ldv, long tk, long hd,
                              float scale, const uint8_t *keep, float *weights, float *context, long ldc, void *scratch, int path);

#endif
