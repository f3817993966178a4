#include "CKernels.h"
#include <math.h>

// LayerNorm rows on AVX-512, AVX2 or portable code, chosen at run time, bit-identical: the row's
// sum and its sum of squared deviations are each kept in 8 lanes (lane l adding elements l, l + 8,
// … in order), the lanes then added in order and the elements past the last full 8 one by one;
// y = ((x − mean) · inverse) · weight + bias with no fused multiply-add.
#pragma clang fp contract(off)

enum { LANES = 8 };

/// The lanes added in order, then the tail x[full ..< n] (squared deviations from `center` when
/// `squares`).
static inline float lanes_then_tail(const float lanes[LANES], const float *x, long full, long n, int squares, float center) {
    float total = 0;
    for (int l = 0; l < LANES; l++) total += lanes[l];
    for (long j = full; j < n; j++) total += squares ? (x[j] - center) * (x[j] - center) : x[j];
    return total;
}

/// Writes the row's mean and 1/σ to statistics[0], statistics[1], then y.
static inline void finish_row(const float *x, float *y, long n, const float *weight, const float *bias, float epsilon,
                              float mean, float deviation, float *statistics) {
    float inverse = 1.0f / sqrtf(deviation / (float)n + epsilon);
    statistics[0] = mean;
    statistics[1] = inverse;
    for (long j = 0; j < n; j++) y[j] = (x[j] - mean) * inverse * weight[j] + bias[j];
}

static void row_portable(const float *x, float *y, long n, const float *weight, const float *bias, float epsilon, float *statistics) {
    long full = n / LANES * LANES;
    float lanes[LANES] = {0};
    for (long j = 0; j < full; j++) lanes[j % LANES] += x[j];
    float mean = lanes_then_tail(lanes, x, full, n, 0, 0) / (float)n;
    float squares[LANES] = {0};
    for (long j = 0; j < full; j++) squares[j % LANES] += (x[j] - mean) * (x[j] - mean);
    finish_row(x, y, n, weight, bias, epsilon, mean, lanes_then_tail(squares, x, full, n, 1, mean), statistics);
}

#if defined(__x86_64__)
#include <immintrin.h>
#include "Transpose.h"

/// The 8-lane sums of x (or of its squared deviations from `center`) over [0, full), 16 lanes
/// at a time where `wide`, each 16-lane block's halves added low first (the other paths' order).
#define LANE_SUMS(TARGET, NAME, WIDE)                                                                  \
    __attribute__((target(TARGET))) static inline __m256 NAME(const float *x, long full, int squares, float center) { \
        __m256 sums = _mm256_setzero_ps();                                                             \
        long j = 0;                                                                                    \
        if (WIDE) {                                                                                    \
            __m512 c = _mm512_set1_ps(center);                                                         \
            for (; j + 16 <= full; j += 16) {                                                          \
                __m512 v = _mm512_loadu_ps(x + j);                                                     \
                if (squares) { v = _mm512_sub_ps(v, c); v = _mm512_mul_ps(v, v); }                    \
                sums = _mm256_add_ps(sums, _mm512_castps512_ps256(v));                                 \
                sums = _mm256_add_ps(sums, _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1))); \
            }                                                                                          \
        }                                                                                              \
        __m256 c8 = _mm256_set1_ps(center);                                                            \
        for (; j < full; j += 8) {                                                                     \
            __m256 v = _mm256_loadu_ps(x + j);                                                         \
            if (squares) { v = _mm256_sub_ps(v, c8); v = _mm256_mul_ps(v, v); }                       \
            sums = _mm256_add_ps(sums, v);                                                             \
        }                                                                                              \
        return sums;                                                                                   \
    }

LANE_SUMS("avx2", lane_sums_avx2, 0)
LANE_SUMS("avx2,avx512f", lane_sums_avx512, 1)

#define ROW(TARGET, NAME, SUMS)                                                                        \
    __attribute__((target(TARGET))) static void NAME(const float *x, float *y, long n, const float *weight, \
                                                     const float *bias, float epsilon, float *statistics) { \
        long full = n / LANES * LANES;                                                                 \
        float lanes[LANES];                                                                            \
        _mm256_storeu_ps(lanes, SUMS(x, full, 0, 0));                                                  \
        float mean = lanes_then_tail(lanes, x, full, n, 0, 0) / (float)n;                              \
        _mm256_storeu_ps(lanes, SUMS(x, full, 1, mean));                                               \
        finish_row(x, y, n, weight, bias, epsilon, mean, lanes_then_tail(lanes, x, full, n, 1, mean), statistics); \
    }

ROW("avx2", row_avx2, lane_sums_avx2)
ROW("avx2,avx512f", row_avx512, lane_sums_avx512)

/// Lane r of the result: 0 + lanes[r][0] + lanes[r][1] + … + lanes[r][7], added in order, the
/// sum lanes_then_tail forms for row r (an 8 × 8 transpose, then 8 additions across rows).
__attribute__((target("avx2")))
static inline __m256 totals_of_rows(const __m256 lanes[LANES]) {
    __m256 columns[LANES];
    transpose8_avx2(lanes, columns);
    __m256 total = _mm256_setzero_ps();
    for (int l = 0; l < LANES; l++) total = _mm256_add_ps(total, columns[l]);
    return total;
}

/// y = ((x − mean) · inverse) · weight + bias over n (a multiple of 8), 16 at a time where `WIDE`.
#define NORMALIZE_ROW(TARGET, NAME, WIDE)                                                              \
    __attribute__((target(TARGET))) static inline void NAME(const float *x, float *y, long n, const float *weight, \
                                                            const float *bias, float mean, float inverse) { \
        long j = 0;                                                                                    \
        if (WIDE) {                                                                                    \
            __m512 m = _mm512_set1_ps(mean), scale = _mm512_set1_ps(inverse);                         \
            for (; j + 16 <= n; j += 16) {                                                             \
                __m512 v = _mm512_mul_ps(_mm512_sub_ps(_mm512_loadu_ps(x + j), m), scale);            \
                _mm512_storeu_ps(y + j, _mm512_add_ps(_mm512_mul_ps(v, _mm512_loadu_ps(weight + j)), _mm512_loadu_ps(bias + j))); \
            }                                                                                          \
        }                                                                                              \
        __m256 m = _mm256_set1_ps(mean), scale = _mm256_set1_ps(inverse);                             \
        for (; j < n; j += 8) {                                                                        \
            __m256 v = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + j), m), scale);                \
            _mm256_storeu_ps(y + j, _mm256_add_ps(_mm256_mul_ps(v, _mm256_loadu_ps(weight + j)), _mm256_loadu_ps(bias + j))); \
        }                                                                                              \
    }

NORMALIZE_ROW("avx2", normalize_row_avx2, 0)
NORMALIZE_ROW("avx2,avx512f", normalize_row_avx512, 1)

/// 8 rows of n (a multiple of 8) at once: ROW's operations, with the rows' totals added across
/// rows after a transpose instead of lane by lane within each row.
#define ROWS8(TARGET, NAME, SUMS, NORMALIZE)                                                           \
    __attribute__((target(TARGET))) static void NAME(const float *x, float *y, long n, const float *weight, \
                                                     const float *bias, float epsilon, float *statistics) { \
        __m256 lanes[LANES];                                                                           \
        for (int r = 0; r < LANES; r++) lanes[r] = SUMS(x + r * n, n, 0, 0);                           \
        float means[LANES], inverses[LANES];                                                           \
        _mm256_storeu_ps(means, _mm256_div_ps(totals_of_rows(lanes), _mm256_set1_ps((float)n)));       \
        for (int r = 0; r < LANES; r++) lanes[r] = SUMS(x + r * n, n, 1, means[r]);                    \
        __m256 variance = _mm256_div_ps(totals_of_rows(lanes), _mm256_set1_ps((float)n));              \
        __m256 inverse = _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_sqrt_ps(_mm256_add_ps(variance, _mm256_set1_ps(epsilon)))); \
        _mm256_storeu_ps(inverses, inverse);                                                           \
        for (int r = 0; r < LANES; r++) {                                                              \
            statistics[2 * r] = means[r];                                                              \
            statistics[2 * r + 1] = inverses[r];                                                       \
            NORMALIZE(x + r * n, y + r * n, n, weight, bias, means[r], inverses[r]);                   \
        }                                                                                              \
    }

ROWS8("avx2", rows8_avx2, lane_sums_avx2, normalize_row_avx2)
ROWS8("avx2,avx512f", rows8_avx512, lane_sums_avx512, normalize_row_avx512)
#endif

void condenser_layer_norm(const float *x, float *y, long rows, long n, const float *weight, const float *bias, float epsilon,
                          float *statistics, int path) {
    void (*row)(const float *, float *, long, const float *, const float *, float, float *) = row_portable;
    void (*rows8)(const float *, float *, long, const float *, const float *, float, float *) = 0;
#if defined(__x86_64__)
    switch (condenser_vector_path(path)) {
    case CONDENSER_VECTOR_AVX512: row = row_avx512; rows8 = rows8_avx512; break;
    case CONDENSER_VECTOR_AVX2: row = row_avx2; rows8 = rows8_avx2; break;
    default: break;
    }
#endif
    long r = 0;
    if (rows8 && n % LANES == 0)
        for (; r + LANES <= rows; r += LANES) rows8(x + r * n, y + r * n, n, weight, bias, epsilon, statistics + 2 * r);
    for (; r < rows; r++) row(x + r * n, y + r * n, n, weight, bias, epsilon, statistics + 2 * r);
}
