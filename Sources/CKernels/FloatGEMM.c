#include "CKernels.h"
#include <math.h>
#include <string.h>

// The float32 linear layer for inference, y = x·Wᵀ + bias (+ residual), with the weights packed
// once. On AVX-512, AVX2 or portable code chosen at run time, bit-identical: every output is a
// chain of fused multiply-adds over k in order from 0 (fmaf on the portable path), then + bias,
// then + residual, whatever the tile it is computed in.
#pragma clang fp contract(off)

enum { PANEL = CONDENSER_LINEAR_PANEL };

long condenser_linear_packed_count(long n, long k) { return (n + PANEL - 1) / PANEL * PANEL * k; }

void condenser_linear_pack(const float *w, long n, long k, float *packed) {
    for (long p = 0; p < n; p += PANEL)
        for (long kk = 0; kk < k; kk++)
            for (long c = 0; c < PANEL; c++) *packed++ = p + c < n ? w[(p + c) * k + kk] : 0.0f;
}

/// The epilogue of one output: + bias, + residual (either may be NULL).
static inline float finish(float sum, const float *bias, const float *residual, long row, long ldr, long column) {
    if (bias) sum = sum + bias[column];
    if (residual) sum = sum + residual[row * ldr + column];
    return sum;
}

static void linear_portable(const float *x, long ldx, long m, const float *packed, long n, long k, const float *bias,
                            const float *residual, long ldr, float *y, long ldy) {
    for (long i = 0; i < m; i++)
        for (long j = 0; j < n; j++) {
            const float *panel = packed + j / PANEL * PANEL * k + j % PANEL;
            float sum = 0;
            for (long kk = 0; kk < k; kk++) sum = fmaf(x[i * ldx + kk], panel[kk * PANEL], sum);
            y[i * ldy + j] = finish(sum, bias, residual, i, ldr, j);
        }
}

#if defined(__x86_64__)
#include <immintrin.h>

enum { ROWS512 = 8 };

/// Rows i0 ..< i0 + rows (a constant where inlined) of one 32-channel panel starting at column j0.
__attribute__((target("avx2,fma,avx512f"), always_inline))
static inline void tile_avx512(const float *x, long ldx, long i0, const int rows, const float *panel, long j0, long n, long k,
                               const float *bias, const float *residual, long ldr, float *y, long ldy) {
    __m512 sum[ROWS512][2];
    for (int r = 0; r < rows; r++) sum[r][0] = sum[r][1] = _mm512_setzero_ps();
    const float *a = x + i0 * ldx;
    for (long kk = 0; kk < k; kk++) {
        __m512 b0 = _mm512_loadu_ps(panel + kk * PANEL), b1 = _mm512_loadu_ps(panel + kk * PANEL + 16);
        for (int r = 0; r < rows; r++) {
            __m512 av = _mm512_set1_ps(a[r * ldx + kk]);
            sum[r][0] = _mm512_fmadd_ps(av, b0, sum[r][0]);
            sum[r][1] = _mm512_fmadd_ps(av, b1, sum[r][1]);
        }
    }
    for (int half = 0; half < 2; half++) {
        long j = j0 + 16 * half;
        if (j >= n) break;
        __mmask16 inside = j + 16 <= n ? 0xFFFF : (__mmask16)((1u << (n - j)) - 1);
        __m512 b = bias ? _mm512_maskz_loadu_ps(inside, bias + j) : _mm512_setzero_ps();
        for (int r = 0; r < rows; r++) {
            __m512 v = sum[r][half];
            if (bias) v = _mm512_add_ps(v, b);
            if (residual) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(inside, residual + (i0 + r) * ldr + j));
            _mm512_mask_storeu_ps(y + (i0 + r) * ldy + j, inside, v);
        }
    }
}


enum { ROWS256 = 6 };  // 12 accumulators: with the two weight vectors and a broadcast, 15 of the 16 registers

/// Lanes 0 ..< count of 8 set (all for count ≥ 8).
__attribute__((target("avx2,fma")))
static inline __m256i first_lanes8(long count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(count < 8 ? count : 8)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// tile_avx512 on 8 lanes: rows i0 ..< i0 + rows of a 32-channel panel as four 8-lane columns.
__attribute__((target("avx2,fma"), always_inline))
static inline void tile_avx2(const float *x, long ldx, long i0, const int rows, const float *panel, long j0, long n, long k,
                             const float *bias, const float *residual, long ldr, float *y, long ldy) {
    for (int quarter = 0; quarter < 4; quarter += 2) {
        if (j0 + 8 * quarter >= n) break;
        __m256 sum[ROWS256][2];
        for (int r = 0; r < rows; r++) sum[r][0] = sum[r][1] = _mm256_setzero_ps();
        const float *a = x + i0 * ldx;
        for (long kk = 0; kk < k; kk++) {
            __m256 b0 = _mm256_loadu_ps(panel + kk * PANEL + 8 * quarter), b1 = _mm256_loadu_ps(panel + kk * PANEL + 8 * quarter + 8);
            for (int r = 0; r < rows; r++) {
                __m256 av = _mm256_set1_ps(a[r * ldx + kk]);
                sum[r][0] = _mm256_fmadd_ps(av, b0, sum[r][0]);
                sum[r][1] = _mm256_fmadd_ps(av, b1, sum[r][1]);
            }
        }
        for (int half = 0; half < 2; half++) {
            long j = j0 + 8 * (quarter + half);
            if (j >= n) break;
            __m256i inside = first_lanes8(n - j);
            __m256 b = bias ? _mm256_maskload_ps(bias + j, inside) : _mm256_setzero_ps();
            for (int r = 0; r < rows; r++) {
                __m256 v = sum[r][half];
                if (bias) v = _mm256_add_ps(v, b);
                if (residual) v = _mm256_add_ps(v, _mm256_maskload_ps(residual + (i0 + r) * ldr + j, inside));
                _mm256_maskstore_ps(y + (i0 + r) * ldy + j, inside, v);
            }
        }
    }
}

/// The whole product on one width: each panel, in tiles of ROWS rows, then the remaining rows one by one.
#define DEFINE_LINEAR(NAME, TARGET, TILE, ROWS)                                                               \
    __attribute__((target(TARGET))) static void NAME(const float *x, long ldx, long m, const float *packed, long n, long k, \
                                                     const float *bias, const float *residual, long ldr, float *y, long ldy) { \
        for (long j0 = 0; j0 < n; j0 += PANEL) {                                                              \
            const float *panel = packed + j0 * k;                                                             \
            long i = 0;                                                                                       \
            for (; i + ROWS <= m; i += ROWS) TILE(x, ldx, i, ROWS, panel, j0, n, k, bias, residual, ldr, y, ldy); \
            for (; i < m; i++) TILE(x, ldx, i, 1, panel, j0, n, k, bias, residual, ldr, y, ldy);           \
        }                                                                                                     \
    }

DEFINE_LINEAR(linear_avx512, "avx2,fma,avx512f", tile_avx512, ROWS512)
DEFINE_LINEAR(linear_avx2, "avx2,fma", tile_avx2, ROWS256)
#endif

void condenser_linear(const float *x, long ldx, long m, const float *packed, long n, long k, const float *bias,
                      const float *residual, long ldr, float *y, long ldy, int path) {
    switch (condenser_vector_path(path)) {
#if defined(__x86_64__)
    case CONDENSER_VECTOR_AVX512: linear_avx512(x, ldx, m, packed, n, k, bias, residual, ldr, y, ldy); return;
    case CONDENSER_VECTOR_AVX2: linear_avx2(x, ldx, m, packed, n, k, bias, residual, ldr, y, ldy); return;
#endif
    default: linear_portable(x, ldx, m, packed, n, k, bias, residual, ldr, y, ldy);
    }
}
