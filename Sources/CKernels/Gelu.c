#include "CKernels.h"
#include <stdint.h>
#include <string.h>

// Same arithmetic on every path: the only fused multiply-adds are exp's explicit fmaf calls, so AVX-512, AVX2
// and portable builds agree bit for bit.
#pragma clang fp contract(off)

#include "ExpKernel.h"

/// GELU of one value and its derivative (erf by Abramowitz & Stegun 7.1.26), with the exponential
/// `EXP`: exp_kernel for GELU itself, fast_exp_kernel for the short form.
#define DEFINE_GELU_ONE(name, EXP)                                          \
    static inline void name(float x, float *value, float *slope) {          \
        float z = x * 0.70710678f;                                          \
        float a = z < 0 ? -z : z;                                           \
        float t = 1.0f / (1.0f + 0.3275911f * a);                           \
        float p = 1.061405429f;                                             \
        p = p * t - 1.453152027f;                                           \
        p = p * t + 1.421413741f;                                           \
        p = p * t - 0.284496736f;                                           \
        p = p * t + 0.254829592f;                                           \
        float gaussian = EXP(-a * a);                                       \
        float e = 1.0f - p * t * gaussian;                                  \
        e = z < 0 ? -e : e;                                                 \
        float cdf = 0.5f * (1.0f + e);                                      \
        *value = x * cdf;                                                   \
        *slope = cdf + x * gaussian * 0.39894228f;                          \
    }

DEFINE_GELU_ONE(gelu_one, exp_kernel)
DEFINE_GELU_ONE(gelu_short_one, fast_exp_kernel)

#define GELU_LOOP                                                           \
    if (derivative) {                                                       \
        for (long i = 0; i < n; i++) gelu_one(x[i], &y[i], &derivative[i]); \
    } else {                                                                \
        for (long i = 0; i < n; i++) { float unused; gelu_one(x[i], &y[i], &unused); } \
    }

#define GELU_SHORT_LOOP                                                     \
    for (long i = 0; i < n; i++) { float unused; gelu_short_one(x[i], &y[i], &unused); }

static void gelu_portable(const float *restrict x, float *restrict y, float *restrict derivative, long n) { GELU_LOOP }
static void gelu_short_portable(const float *restrict x, float *restrict y, long n) { GELU_SHORT_LOOP }

#if defined(__x86_64__)
// The same loops compiled for wider vectors: the compiler vectorizes them with the same operations.
__attribute__((target("avx2,fma")))
static void gelu_avx2(const float *restrict x, float *restrict y, float *restrict derivative, long n) { GELU_LOOP }

__attribute__((target("avx2,fma,avx512f")))
static void gelu_avx512(const float *restrict x, float *restrict y, float *restrict derivative, long n) { GELU_LOOP }

__attribute__((target("avx2,fma")))
static void gelu_short_avx2(const float *restrict x, float *restrict y, long n) { GELU_SHORT_LOOP }

__attribute__((target("avx2,fma,avx512f")))
static void gelu_short_avx512(const float *restrict x, float *restrict y, long n) { GELU_SHORT_LOOP }
#endif

int condenser_vector_path_available(int path) {
    switch (path) {
    case CONDENSER_VECTOR_BEST: case CONDENSER_VECTOR_PORTABLE: return 1;
#if defined(__x86_64__)
    case CONDENSER_VECTOR_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case CONDENSER_VECTOR_AVX512:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx512f");
#endif
    default: return 0;
    }
}

int condenser_vector_path(int path) {
    if (path == CONDENSER_VECTOR_BEST)
        return condenser_vector_path_available(CONDENSER_VECTOR_AVX512) ? CONDENSER_VECTOR_AVX512
             : condenser_vector_path_available(CONDENSER_VECTOR_AVX2) ? CONDENSER_VECTOR_AVX2 : CONDENSER_VECTOR_PORTABLE;
    return condenser_vector_path_available(path) ? path : CONDENSER_VECTOR_PORTABLE;
}

void condenser_gelu_on(int path, const float *x, float *y, float *derivative, long n) {
    switch (condenser_vector_path(path)) {
#if defined(__x86_64__)
    case CONDENSER_VECTOR_AVX512: gelu_avx512(x, y, derivative, n); return;
    case CONDENSER_VECTOR_AVX2: gelu_avx2(x, y, derivative, n); return;
#endif
    default: gelu_portable(x, y, derivative, n);
    }
}

void condenser_gelu(const float *x, float *y, float *derivative, long n) { condenser_gelu_on(CONDENSER_VECTOR_BEST, x, y, derivative, n); }

void condenser_gelu_short_on(int path, const float *x, float *y, long n) {
    switch (condenser_vector_path(path)) {
#if defined(__x86_64__)
    case CONDENSER_VECTOR_AVX512: gelu_short_avx512(x, y, n); return;
    case CONDENSER_VECTOR_AVX2: gelu_short_avx2(x, y, n); return;
#endif
    default: gelu_short_portable(x, y, n);
    }
}

void condenser_gelu_short(const float *x, float *y, long n) { condenser_gelu_short_on(CONDENSER_VECTOR_BEST, x, y, n); }
