#include "CKernels.h"
#include <stdint.h>
#include <string.h>

// Same arithmetic on every path: no fused multiply-add, so AVX2 and portable builds agree bit for bit.
#pragma clang fp contract(off)

static inline float bits_to_float(int32_t bits) { float f; memcpy(&f, &bits, 4); return f; }
static inline int32_t float_to_bits(float f) { int32_t bits; memcpy(&bits, &f, 4); return bits; }

/// e^x for x in [-87.3, 88.3] (clamped): Cody–Waite reduction, degree-5 minimax polynomial.
static inline float exp_kernel(float x) {
    x = x < -87.3f ? -87.3f : (x > 88.3f ? 88.3f : x);
    const float magic = 12582912.0f;                 // 1.5·2²³: adding it rounds to an integer
    float shifted = x * 1.44269504f + magic;
    float n = shifted - magic;
    float r = x - n * 0.693359375f;
    r = r + n * 2.1219444e-4f;
    float p = 1.98756915e-4f;
    p = p * r + 1.39819995e-3f;
    p = p * r + 8.3334519e-3f;
    p = p * r + 4.16657959e-2f;
    p = p * r + 1.66666655e-1f;
    p = p * r + 5.00000012e-1f;
    p = p * (r * r) + r + 1.0f;
    int32_t integer = float_to_bits(shifted) - float_to_bits(magic);
    return p * bits_to_float((integer + 127) << 23);
}

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
