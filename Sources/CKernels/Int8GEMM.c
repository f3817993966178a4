#include "CKernels.h"
#include <math.h>
#include <string.h>

// Integer products through vpmaddwd: both operands are widened to int16, so each pair sum
// a0·w0 + a1·w1 is an exact int32 (no vpmaddubsw int16 saturation), and accumulation is exact
// while k·255·128 < 2³¹. The float epilogue uses the same operations in the same order on every
// path (no FMA contraction), so AVX2 and portable results are bit-identical.
#pragma clang fp contract(off)

enum { PANEL = 16, ROWS = 6, ROW_BLOCK = 60 };

static long pair_count(long k) { return (k + 1) / 2; }

long condenser_qgemm_packed_count(long n, long k) {
    return (n + PANEL - 1) / PANEL * PANEL * 2 * pair_count(k);
}

void condenser_qgemm_pack(const int8_t *w, long n, long k, int16_t *packed) {
    long pairs = pair_count(k), panels = (n + PANEL - 1) / PANEL;
    for (long p = 0; p < panels; p++)
        for (long j = 0; j < pairs; j++)
            for (long c = 0; c < PANEL; c++)
                for (long t = 0; t < 2; t++) {
                    long row = p * PANEL + c, col = 2 * j + t;
                    packed[((p * pairs + j) * PANEL + c) * 2 + t] = (row < n && col < k) ? w[row * k + col] : 0;
                }
}

/// Where a tile of accumulators goes: raw int32, or scaled floats plus bias.
typedef struct {
    int32_t *raw;
    float *c;
    long ldc;
    const float *row_scale;
    long row_scale_stride;
    const float *col_scale;
    const float *bias;
} Output;

/// Stores row `row` (columns col0 ..< col0 + count) of a tile from its 16 accumulators.
static inline void store_row(const Output *out, long row, long col0, long count, const int32_t acc[PANEL]) {
    if (out->raw) {
        memcpy(out->raw + row * out->ldc + col0, acc, (size_t)count * sizeof(int32_t));
        return;
    }
    float rs = out->row_scale[row * out->row_scale_stride];
    float *c = out->c + row * out->ldc + col0;
    for (long j = 0; j < count; j++) {
        float v = (float)acc[j] * rs * out->col_scale[col0 + j];
        c[j] = out->bias ? v + out->bias[col0 + j] : v;
    }
}

// MARK: portable

static void tile_portable(const int16_t *a, long lda, long rows, const int16_t *panel, long pairs,
                          const Output *out, long row0, long col0, long count) {
    for (long r = 0; r < rows; r++) {
        int32_t acc[PANEL] = {0};
        const int16_t *ar = a + (row0 + r) * lda;
        for (long j = 0; j < pairs; j++) {
            const int16_t *w = panel + j * PANEL * 2;
            int32_t a0 = ar[2 * j], a1 = ar[2 * j + 1];
            for (long c = 0; c < PANEL; c++) acc[c] += a0 * w[2 * c] + a1 * w[2 * c + 1];
        }
        store_row(out, row0 + r, col0, count, acc);
    }
}

#define QGEMM_DRIVER(tile)                                                                        \
    long pairs = pair_count(k), panels = (n + PANEL - 1) / PANEL;                                 \
    for (long rb = 0; rb < m; rb += ROW_BLOCK) {                                                  \
        long rend = rb + ROW_BLOCK < m ? rb + ROW_BLOCK : m;                                      \
        for (long p = 0; p < panels; p++) {                                                       \
            const int16_t *panel = packed + p * pairs * PANEL * 2;                                \
            long col0 = p * PANEL, count = n - col0 < PANEL ? n - col0 : PANEL;                   \
            for (long r = rb; r < rend; r += ROWS) {                                              \
                long rows = rend - r < ROWS ? rend - r : ROWS;                                    \
                tile(a, lda, rows, panel, pairs, out, r, col0, count);                            \
            }                                                                                     \
        }                                                                                         \
    }

static void qgemm_portable(const int16_t *a, long lda, long m, const int16_t *packed, long n, long k, const Output *out) {
    QGEMM_DRIVER(tile_portable)
}

// MARK: AVX2

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2")))
static inline void store_tile_avx2(const Output *out, long row, long col0, long count, __m256i lo, __m256i hi) {
    if (count == PANEL && !out->raw) {
        __m256 rs = _mm256_set1_ps(out->row_scale[row * out->row_scale_stride]);
        const float *cs = out->col_scale + col0;
        float *c = out->c + row * out->ldc + col0;
        __m256 v0 = _mm256_mul_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(lo), rs), _mm256_loadu_ps(cs));
        __m256 v1 = _mm256_mul_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(hi), rs), _mm256_loadu_ps(cs + 8));
        if (out->bias) {
            v0 = _mm256_add_ps(v0, _mm256_loadu_ps(out->bias + col0));
            v1 = _mm256_add_ps(v1, _mm256_loadu_ps(out->bias + col0 + 8));
        }
        _mm256_storeu_ps(c, v0);
        _mm256_storeu_ps(c + 8, v1);
        return;
    }
    int32_t acc[PANEL];
    _mm256_storeu_si256((__m256i *)acc, lo);
    _mm256_storeu_si256((__m256i *)(acc + 8), hi);
    store_row(out, row, col0, count, acc);
}

/// One tile of `rows` ≤ 6 rows × 16 columns: per k pair, broadcast each row's two int16
/// activations and multiply-add them against the panel's two vectors of 8 channel pairs.
__attribute__((target("avx2")))
static void tile_avx2(const int16_t *a, long lda, long rows, const int16_t *panel, long pairs,
                      const Output *out, long row0, long col0, long count) {
    const int16_t *a0 = a + row0 * lda;
    if (rows == ROWS) {
        const int16_t *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda, *a4 = a3 + lda, *a5 = a4 + lda;
        __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        __m256i c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (long j = 0; j < pairs; j++) {
            __m256i w0 = _mm256_loadu_si256((const __m256i *)(panel + j * 32));
            __m256i w1 = _mm256_loadu_si256((const __m256i *)(panel + j * 32 + 16));
#define ROW(ar, lo, hi)                                                                      \
            { int32_t s; memcpy(&s, ar + 2 * j, 4); __m256i x = _mm256_set1_epi32(s);          \
              lo = _mm256_add_epi32(lo, _mm256_madd_epi16(x, w0));                             \
              hi = _mm256_add_epi32(hi, _mm256_madd_epi16(x, w1)); }
            ROW(a0, c00, c01) ROW(a1, c10, c11) ROW(a2, c20, c21)
            ROW(a3, c30, c31) ROW(a4, c40, c41) ROW(a5, c50, c51)
#undef ROW
        }
        store_tile_avx2(out, row0, col0, count, c00, c01);
        store_tile_avx2(out, row0 + 1, col0, count, c10, c11);
        store_tile_avx2(out, row0 + 2, col0, count, c20, c21);
        store_tile_avx2(out, row0 + 3, col0, count, c30, c31);
        store_tile_avx2(out, row0 + 4, col0, count, c40, c41);
        store_tile_avx2(out, row0 + 5, col0, count, c50, c51);
        return;
    }
    for (long r = 0; r < rows; r++) {
        const int16_t *ar = a0 + r * lda;
        __m256i lo = _mm256_setzero_si256(), hi = lo;
        for (long j = 0; j < pairs; j++) {
            int32_t s;
            memcpy(&s, ar + 2 * j, 4);
            __m256i x = _mm256_set1_epi32(s);
            lo = _mm256_add_epi32(lo, _mm256_madd_epi16(x, _mm256_loadu_si256((const __m256i *)(panel + j * 32))));
            hi = _mm256_add_epi32(hi, _mm256_madd_epi16(x, _mm256_loadu_si256((const __m256i *)(panel + j * 32 + 16))));
        }
        store_tile_avx2(out, row0 + r, col0, count, lo, hi);
    }
}

__attribute__((target("avx2")))
static void qgemm_avx2(const int16_t *a, long lda, long m, const int16_t *packed, long n, long k, const Output *out) {
    QGEMM_DRIVER(tile_avx2)
}
#endif

static int use_avx2(void) {
#if defined(__x86_64__)
    return __builtin_cpu_supports("avx2");
#else
    return 0;
#endif
}

static void qgemm(int portable, const int16_t *a, long lda, long m, const int16_t *packed, long n, long k, const Output *out) {
#if defined(__x86_64__)
    if (!portable && use_avx2()) { qgemm_avx2(a, lda, m, packed, n, k, out); return; }
#endif
    qgemm_portable(a, lda, m, packed, n, k, out);
}

void condenser_qgemm(const int16_t *a, long lda, long m, const int16_t *packed, long n, long k,
                     const float *row_scale, long row_scale_stride, const float *col_scale, const float *bias,
                     float *c, long ldc) {
    Output out = {0, c, ldc, row_scale, row_scale_stride, col_scale, bias};
    qgemm(0, a, lda, m, packed, n, k, &out);
}

void condenser_qgemm_portable(const int16_t *a, long lda, long m, const int16_t *packed, long n, long k,
                              const float *row_scale, long row_scale_stride, const float *col_scale,
                              const float *bias, float *c, long ldc) {
    Output out = {0, c, ldc, row_scale, row_scale_stride, col_scale, bias};
    qgemm(1, a, lda, m, packed, n, k, &out);
}

void condenser_qgemm_int32(const int16_t *a, long lda, long m, const int16_t *packed, long n, long k,
                           int32_t *c, long ldc, int portable) {
    Output out = {c, 0, ldc, 0, 0, 0, 0};
    qgemm(portable, a, lda, m, packed, n, k, &out);
}

// MARK: activation quantization

/// q = round(x · inverse_scale) clamped to [low, high] (integers), written as int16; the row is
/// zero-padded to `ldq`. Rounding is to nearest, ties to even, on both paths.
static void quantize_row_portable(const float *x, long k, float inverse_scale, float low, float high,
                                  int16_t *q, long ldq) {
    for (long i = 0; i < k; i++) {
        float v = x[i] * inverse_scale;
        v = v < low ? low : (v > high ? high : v);
        q[i] = (int16_t)nearbyintf(v);
    }
    for (long i = k; i < ldq; i++) q[i] = 0;
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static void quantize_row_avx2(const float *x, long k, float inverse_scale, float low, float high,
                              int16_t *q, long ldq) {
    __m256 s = _mm256_set1_ps(inverse_scale), lo = _mm256_set1_ps(low), hi = _mm256_set1_ps(high);
    long i = 0;
    for (; i + 16 <= k; i += 16) {
        __m256 v0 = _mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(_mm256_loadu_ps(x + i), s), lo), hi);
        __m256 v1 = _mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(_mm256_loadu_ps(x + i + 8), s), lo), hi);
        __m256i packed = _mm256_packs_epi32(_mm256_cvtps_epi32(v0), _mm256_cvtps_epi32(v1));
        packed = _mm256_permute4x64_epi64(packed, 0xD8);  // undo the per-lane interleave of packs
        _mm256_storeu_si256((__m256i *)(q + i), packed);
    }
    quantize_row_portable(x + i, k - i, inverse_scale, low, high, q + i, ldq - i);
}
#endif

void condenser_quantize_rows(const float *x, long m, long k, long ldx, const float *scale, long scale_stride,
                             const int32_t *zero_point, long zero_point_stride, int16_t *q, long ldq, int portable) {
    for (long r = 0; r < m; r++) {
        float inverse = 1.0f / scale[r * scale_stride];
        float zp = (float)zero_point[r * zero_point_stride];
        float low = -zp, high = 255.0f - zp;
#if defined(__x86_64__)
        if (!portable && use_avx2()) { quantize_row_avx2(x + r * ldx, k, inverse, low, high, q + r * ldq, ldq); continue; }
#endif
        quantize_row_portable(x + r * ldx, k, inverse, low, high, q + r * ldq, ldq);
    }
}
