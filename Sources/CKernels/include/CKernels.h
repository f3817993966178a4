#ifndef CONDENSER_CKERNELS_H
#define CONDENSER_CKERNELS_H

/// GELU (exact erf form) of n floats: y[i] = x·Φ(x); when derivative is not NULL also
/// derivative[i] = Φ(x) + x·φ(x). Uses AVX2 when the CPU has it (checked once at run time) and
/// portable code otherwise; both give bit-identical results (no FMA contraction).
void condenser_gelu(const float *x, float *y, float *derivative, long n);

/// The portable path of `condenser_gelu` on every CPU (for tests of their agreement).
void condenser_gelu_portable(const float *x, float *y, float *derivative, long n);

// MARK: int8 matrix products

#include <stdint.h>

/// int16 elements of the packed form of an int8 weight matrix W [n, k] (see condenser_qgemm_pack).
long condenser_qgemm_packed_count(long n, long k);

/// Packs W [n, k] (row-major int8, one row per output channel) for the products below: panels
/// of 16 channels (the last zero-padded), k in pairs (an odd k padded with zero), widened to int16.
void condenser_qgemm_pack(const int8_t *w, long n, long k, int16_t *packed);

/// C[m, n] = (Σ_k A[m, k]·W[n, k]) · row_scale[m·row_scale_stride] · col_scale[n] + bias[n]
/// (bias may be NULL). A: int16 [m, lda] with values in [-255, 255], lda even and ≥ k, padding
/// columns zero; W packed by condenser_qgemm_pack. The integer sums are exact while
/// k·255·128 < 2³¹; the float epilogue is ((float)sum · row_scale) · col_scale + bias.
/// Uses AVX2 when the CPU has it (checked once at run time), portable code otherwise; both give
/// bit-identical results. Single-threaded: callers split rows or panels across cores.
void condenser_qgemm(const int16_t *a, long lda, long m, const int16_t *packed, long n, long k,
                     const float *row_scale, long row_scale_stride, const float *col_scale, const float *bias,
                     float *c, long ldc);

/// The portable path of condenser_qgemm on every CPU (for tests of their agreement).
void condenser_qgemm_portable(const int16_t *a, long lda, long m, const int16_t *packed, long n, long k,
                              const float *row_scale, long row_scale_stride, const float *col_scale,
                              const float *bias, float *c, long ldc);

/// The exact int32 sums C[m, n] = Σ_k A[m, k]·W[n, k] (for exactness tests); portable != 0
/// forces the portable path.
void condenser_qgemm_int32(const int16_t *a, long lda, long m, const int16_t *packed, long n, long k,
                           int32_t *c, long ldc, int portable);

/// Quantizes rows of X [m, k] (leading dimension ldx) to unsigned 8-bit codes with a zero
/// point, stored minus the zero point as int16 (ready for condenser_qgemm):
/// Q[r, i] = clamp(round(X[r, i] · (1 / scale_r)), -zp_r, 255 - zp_r), rounding to nearest even,
/// with scale_r = scale[r·scale_stride] and zp_r = zero_point[r·zero_point_stride]; columns k..<ldq
/// are set to zero. portable != 0 forces the portable path (results are identical).
void condenser_quantize_rows(const float *x, long m, long k, long ldx, const float *scale, long scale_stride,
                             const int32_t *zero_point, long zero_point_stride, int16_t *q, long ldq, int portable);

#endif
