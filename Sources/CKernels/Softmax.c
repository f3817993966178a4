#include "CKernels.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

// Softmax rows on AVX-512, AVX2 or portable code, chosen at run time, bit-identical: every path
// computes GELU's exp with the same operations (no fused multiply-add), the maximum (exact in any
// order), and the sum in 8 lanes, lane l summing elements l, l + 8, l + 16, … in order, the lanes
// then combined in order and the tail added last.
#pragma clang fp contract(off)

#include "ExpKernel.h"

enum { LANES = 8 };

static void softmax_row_portable(const float *x, float *y, long n) {
    long full = n / LANES * LANES;
    float maximum = -INFINITY;
    for (long j = 0; j < n; j++) maximum = x[j] > maximum ? x[j] : maximum;
    if (maximum == -INFINITY) { memset(y, 0, (size_t)n * sizeof(float)); return; }
    float lanes[LANES] = {0};
    for (long j = 0; j < full; j++) {
        float e = x[j] == -INFINITY ? 0.0f : exp_kernel(x[j] - maximum);
        y[j] = e;
        lanes[j % LANES] += e;
    }
    float total = 0;
    for (int l = 0; l < LANES; l++) total += lanes[l];
    for (long j = full; j < n; j++) {
        float e = x[j] == -INFINITY ? 0.0f : exp_kernel(x[j] - maximum);
        y[j] = e;
        total += e;
    }
    float scale = 1.0f / total;
    for (long j = 0; j < n; j++) y[j] *= scale;
}

#if defined(__x86_64__)
#include <immintrin.h>

/// exp_kernel on 8 lanes: the same operations in the same order.
__attribute__((target("avx2")))
static inline __m256 exp_avx2(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.3f));
    const __m256 magic = _mm256_set1_ps(12582912.0f);
    __m256 shifted = _mm256_add_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504f)), magic);
    __m256 n = _mm256_sub_ps(shifted, magic);
    __m256 r = _mm256_sub_ps(x, _mm256_mul_ps(n, _mm256_set1_ps(0.693359375f)));
    r = _mm256_add_ps(r, _mm256_mul_ps(n, _mm256_set1_ps(2.1219444e-4f)));
    __m256 p = _mm256_set1_ps(1.98756915e-4f);
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.39819995e-3f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(8.3334519e-3f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(4.16657959e-2f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.66666655e-1f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(5.00000012e-1f));
    p = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(p, _mm256_mul_ps(r, r)), r), _mm256_set1_ps(1.0f));
    __m256i integer = _mm256_sub_epi32(_mm256_castps_si256(shifted), _mm256_castps_si256(magic));
    __m256i power = _mm256_slli_epi32(_mm256_add_epi32(integer, _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(power));
}

/// e^(x − maximum) on 8 lanes, 0 where x is −∞.
__attribute__((target("avx2")))
static inline __m256 shifted_exp_avx2(__m256 x, __m256 maximum) {
    __m256 masked = _mm256_cmp_ps(x, _mm256_set1_ps(-INFINITY), _CMP_EQ_OQ);
    return _mm256_andnot_ps(masked, exp_avx2(_mm256_sub_ps(x, maximum)));
}

__attribute__((target("avx2")))
static void softmax_row_avx2(const float *x, float *y, long n) {
    long full = n / LANES * LANES;
    __m256 high = _mm256_set1_ps(-INFINITY);
    for (long j = 0; j < full; j += LANES) high = _mm256_max_ps(high, _mm256_loadu_ps(x + j));
    float lanes[LANES];
    _mm256_storeu_ps(lanes, high);
    float maximum = -INFINITY;
    for (int l = 0; l < LANES; l++) maximum = lanes[l] > maximum ? lanes[l] : maximum;
    for (long j = full; j < n; j++) maximum = x[j] > maximum ? x[j] : maximum;
    if (maximum == -INFINITY) { memset(y, 0, (size_t)n * sizeof(float)); return; }
    __m256 shift = _mm256_set1_ps(maximum), sums = _mm256_setzero_ps();
    for (long j = 0; j < full; j += LANES) {
        __m256 e = shifted_exp_avx2(_mm256_loadu_ps(x + j), shift);
        _mm256_storeu_ps(y + j, e);
        sums = _mm256_add_ps(sums, e);
    }
    _mm256_storeu_ps(lanes, sums);
    float total = 0;
    for (int l = 0; l < LANES; l++) total += lanes[l];
    for (long j = full; j < n; j++) {
        float e = x[j] == -INFINITY ? 0.0f : exp_kernel(x[j] - maximum);
        y[j] = e;
        total += e;
    }
    __m256 scale = _mm256_set1_ps(1.0f / total);
    long j = 0;
    for (; j < full; j += LANES) _mm256_storeu_ps(y + j, _mm256_mul_ps(_mm256_loadu_ps(y + j), scale));
    for (; j < n; j++) y[j] *= 1.0f / total;
}
#endif

void condenser_softmax_rows(const float *x, float *y, long rows, long n, int portable) {
#if defined(__x86_64__)
    if (!portable && __builtin_cpu_supports("avx2")) {
        for (long r = 0; r < rows; r++) softmax_row_avx2(x + r * n, y + r * n, n);
        return;
    }
#endif
    for (long r = 0; r < rows; r++) softmax_row_portable(x + r * n, y + r * n, n);
}
