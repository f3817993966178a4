#include "CKernels.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

// Softmax rows on AVX-512, AVX2 or portable code, chosen at run time, bit-identical: every path
// computes GELU's exp with the same operations (its fused multiply-adds explicit), the maximum
// (exact in any order), and the sum in 8 lanes, lane l summing elements l, l + 8, l + 16, … in
// order, the lanes then combined in order and the tail added last.
#pragma clang fp contract(off)

#include "ExpKernel.h"

enum { LANES = 8 };

/// The row's sum: the 8 lane sums in order, then the elements past the last full 8 (whose
/// exponentials it writes to y), one by one.
static inline float total_with_tail(const float lanes[LANES], const float *x, float *y, long full, long n, float maximum) {
    float total = 0;
    for (int l = 0; l < LANES; l++) total += lanes[l];
    for (long j = full; j < n; j++) {
        float e = x[j] == -INFINITY ? 0.0f : exp_kernel(x[j] - maximum);
        y[j] = e;
        total += e;
    }
    return total;
}

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
    float total = total_with_tail(lanes, x, y, full, n, maximum);
    float scale = 1.0f / total;
    for (long j = 0; j < n; j++) y[j] *= scale;
}

#if defined(__x86_64__)

/// e^(x − maximum) on 8 lanes, 0 where x is −∞.
__attribute__((target("avx2,fma")))
static inline __m256 shifted_exp_avx2(__m256 x, __m256 maximum) {
    __m256 masked = _mm256_cmp_ps(x, _mm256_set1_ps(-INFINITY), _CMP_EQ_OQ);
    return _mm256_andnot_ps(masked, exp_avx2(_mm256_sub_ps(x, maximum)));
}

__attribute__((target("avx2,fma")))
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
    float total = total_with_tail(lanes, x, y, full, n, maximum);
    __m256 scale = _mm256_set1_ps(1.0f / total);
    long j = 0;
    for (; j < full; j += LANES) _mm256_storeu_ps(y + j, _mm256_mul_ps(_mm256_loadu_ps(y + j), scale));
    for (; j < n; j++) y[j] *= 1.0f / total;
}

/// The AVX2 row on 16 lanes where it can: each 16-lane exp's halves are added to the 8 lane sums
/// low half first, which is the order the other paths add those elements in.
__attribute__((target("avx2,fma,avx512f")))
static void softmax_row_avx512(const float *x, float *y, long n) {
    long full = n / LANES * LANES, wide = n / 16 * 16;
    __m512 high = _mm512_set1_ps(-INFINITY);
    for (long j = 0; j < wide; j += 16) high = _mm512_max_ps(high, _mm512_loadu_ps(x + j));
    float maximum = _mm512_reduce_max_ps(high);
    for (long j = wide; j < n; j++) maximum = x[j] > maximum ? x[j] : maximum;
    if (maximum == -INFINITY) { memset(y, 0, (size_t)n * sizeof(float)); return; }
    __m512 shift = _mm512_set1_ps(maximum);
    __m256 sums = _mm256_setzero_ps();
    long j = 0;
    for (; j < wide; j += 16) {
        __m512 v = _mm512_loadu_ps(x + j);
        __mmask16 live = _mm512_cmp_ps_mask(v, _mm512_set1_ps(-INFINITY), _CMP_NEQ_UQ);
        __m512 e = _mm512_maskz_mov_ps(live, exp_avx512(_mm512_sub_ps(v, shift)));
        _mm512_storeu_ps(y + j, e);
        sums = _mm256_add_ps(sums, _mm512_castps512_ps256(e));
        sums = _mm256_add_ps(sums, _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(e), 1)));
    }
    for (; j < full; j += LANES) {
        __m256 e = shifted_exp_avx2(_mm256_loadu_ps(x + j), _mm256_set1_ps(maximum));
        _mm256_storeu_ps(y + j, e);
        sums = _mm256_add_ps(sums, e);
    }
    float lanes[LANES];
    _mm256_storeu_ps(lanes, sums);
    float total = total_with_tail(lanes, x, y, full, n, maximum);
    float scale = 1.0f / total;
    __m512 scales = _mm512_set1_ps(scale);
    for (j = 0; j < wide; j += 16) _mm512_storeu_ps(y + j, _mm512_mul_ps(_mm512_loadu_ps(y + j), scales));
    for (; j < n; j++) y[j] *= scale;
}
#endif

void condenser_softmax_rows(const float *x, float *y, long rows, long n, int path) {
    path = condenser_vector_path(path);
    void (*row)(const float *, float *, long) = softmax_row_portable;
#if defined(__x86_64__)
    if (path == CONDENSER_VECTOR_AVX512) row = softmax_row_avx512;
    if (path == CONDENSER_VECTOR_AVX2) row = softmax_row_avx2;
#endif
    for (long r = 0; r < rows; r++) row(x + r * n, y + r * n, n);
}
