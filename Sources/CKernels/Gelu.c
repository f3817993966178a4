#include "CKernels.h"
#include <stdint.h>
#include <string.h>

// Same arithmetic on every path: no fused multiply-add, so AVX2 and portable builds agree bit for bit.
#pragma clang fp contract(off)

#include "ExpKernel.h"

/// GELU of one value and its derivative (erf by Abramowitz & Stegun 7.1.26).
static inline void gelu_one(float x, float *value, float *slope) {
    float z = x * 0.70710678f;
    float a = z < 0 ? -z : z;
    float t = 1.0f / (1.0f + 0.3275911f * a);
    float p = 1.061405429f;
    p = p * t - 1.453152027f;
    p = p * t + 1.421413741f;
    p = p * t - 0.284496736f;
    p = p * t + 0.254829592f;
    float gaussian = exp_kernel(-a * a);
    float e = 1.0f - p * t * gaussian;
    e = z < 0 ? -e : e;
    float cdf = 0.5f * (1.0f + e);
    *value = x * cdf;
    *slope = cdf + x * gaussian * 0.39894228f;
}

#define GELU_LOOP                                                           \
    if (derivative) {                                                       \
        for (long i = 0; i < n; i++) gelu_one(x[i], &y[i], &derivative[i]); \
    } else {                                                                \
        for (long i = 0; i < n; i++) { float unused; gelu_one(x[i], &y[i], &unused); } \
    }

void condenser_gelu_portable(const float *restrict x, float *restrict y, float *restrict derivative, long n) { GELU_LOOP }

#if defined(__x86_64__)
__attribute__((target("avx2")))
static void gelu_avx2(const float *restrict x, float *restrict y, float *restrict derivative, long n) { GELU_LOOP }
#endif

void condenser_gelu(const float *x, float *y, float *derivative, long n) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) { gelu_avx2(x, y, derivative, n); return; }
#endif
    condenser_gelu_portable(x, y, derivative, n);
}
