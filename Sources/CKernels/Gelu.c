#include "CKernels.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

// Same arithmetic on every path: the only fused multiply-adds are exp's explicit fmaf calls, so AVX-512, AVX2
// and portable builds agree bit for bit.
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

static void gelu_portable(const float *restrict x, float *restrict y, float *restrict derivative, long n) { GELU_LOOP }

#if defined(__x86_64__)
// The same loop compiled for wider vectors: the compiler vectorizes it with the same operations.
__attribute__((target("avx2,fma")))
static void gelu_avx2(const float *restrict x, float *restrict y, float *restrict derivative, long n) { GELU_LOOP }

__attribute__((target("avx2,fma,avx512f")))
static void gelu_avx512(const float *restrict x, float *restrict y, float *restrict derivative, long n) { GELU_LOOP }
#endif

// MARK: GELU's short form

// GELU(x) = x/2 + |x|·D(|x|) with D(a) = Φ(a) − 1/2, which is 1/2 to float32 from a = 8 on. On each
// unit interval [i, i + 1) of [0, 8), D is a degree-5 polynomial in u = a − (i + 1/2), fitted and
// checked by experiments/gelu-short/fit.py:
// max |short − GELU| = 1.48e-06 at x = 0.999984 (2,000,001 points of [−12, 12])
static const float GELU_SHORT_TABLE[6][8] = {
    {0.191461027f, 0.433193088f, 0.493790597f, 0.499767274f,
     0.499996603f, 0.49999997f, 0.5f, 0.5f},
    {0.352064788f, 0.129518524f, 0.0175278652f, 0.000872714387f,
     1.60007439e-05f, 1.08317579e-07f, 2.72465328e-10f, 2.58024342e-13f},
    {-0.0879129693f, -0.0971590132f, -0.0219287779f, -0.0015209862f,
     -3.51397393e-05f, -2.75591702e-07f, -7.23720861e-10f, -5.96621656e-13f},
    {-0.0439906046f, 0.0269529149f, 0.0153512126f, 0.00163524854f,
     5.07387958e-05f, 5.05409332e-07f, 1.66247394e-09f, 1.78878537e-12f},
    {0.019055767f, 0.00629922282f, -0.00573869189f, -0.00124380691f,
     -6.03705448e-05f, -8.8545471e-07f, -4.29793978e-09f, -7.19404441e-12f},
    {0.00444313372f, -0.00562827149f, 0.000554013182f, 0.000587135437f,
     4.3147309e-05f, 8.14466773e-07f, 4.74236073e-09f, 9.14897498e-12f},
};

enum { GELU_SHORT_INTERVALS = 8, GELU_SHORT_DEGREE = 5 };
#define GELU_SHORT_TOP 7.99999952f  /* the largest float below 8 */

static inline float gelu_short_one(float x) {
    float a = fabsf(x);
    float clamped = a < GELU_SHORT_TOP ? a : GELU_SHORT_TOP;
    int32_t i = (int32_t)clamped;
    float u = clamped - ((float)i + 0.5f);
    float p = GELU_SHORT_TABLE[GELU_SHORT_DEGREE][i];
    for (int k = GELU_SHORT_DEGREE - 1; k >= 0; k--) p = fmaf(p, u, GELU_SHORT_TABLE[k][i]);
    p = a < (float)GELU_SHORT_INTERVALS ? p : 0.5f;
    return fmaf(a, p, 0.5f * x);
}

static void gelu_short_portable(const float *restrict x, float *restrict y, long n) {
    for (long i = 0; i < n; i++) y[i] = gelu_short_one(x[i]);
}

#if defined(__x86_64__)
/// gelu_short_one on vectors of `V` (prefix `P`): the same operations in the same order, each
/// coefficient picked from its 8 intervals by a permute (`PICK(table, i)`), the rest by the scalar code.
#define DEFINE_GELU_SHORT(name, TARGET, V, I, P, WIDTH, ABS, LOAD_TABLE, PICK, BELOW, SELECT)          \
    __attribute__((target(TARGET))) static void name(const float *restrict x, float *restrict y, long n) { \
        V table[GELU_SHORT_DEGREE + 1];                                                               \
        for (int k = 0; k <= GELU_SHORT_DEGREE; k++) table[k] = LOAD_TABLE(GELU_SHORT_TABLE[k]);      \
        const V top = P##_set1_ps(GELU_SHORT_TOP), half = P##_set1_ps(0.5f);                          \
        const V end = P##_set1_ps((float)GELU_SHORT_INTERVALS);                                       \
        long j = 0;                                                                                   \
        for (; j + WIDTH / 32 <= n; j += WIDTH / 32) {                                                \
            V v = P##_loadu_ps(x + j);                                                                \
            V a = ABS(v);                                                                             \
            V clamped = P##_min_ps(a, top);                                                           \
            I i = P##_cvttps_epi32(clamped);                                                          \
            V u = P##_sub_ps(clamped, P##_add_ps(P##_cvtepi32_ps(i), half));                          \
            V p = PICK(table[GELU_SHORT_DEGREE], i);                                                  \
            for (int k = GELU_SHORT_DEGREE - 1; k >= 0; k--) p = P##_fmadd_ps(p, u, PICK(table[k], i)); \
            p = SELECT(BELOW(a, end), p, half);                                                       \
            P##_storeu_ps(y + j, P##_fmadd_ps(a, p, P##_mul_ps(half, v)));                            \
        }                                                                                             \
        for (; j < n; j++) y[j] = gelu_short_one(x[j]);                                               \
    }

#define ABS_256(v) _mm256_and_ps(v, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)))
#define LOAD_TABLE_256(row) _mm256_loadu_ps(row)
#define PICK_256(table, i) _mm256_permutevar8x32_ps(table, i)
#define BELOW_256(a, b) _mm256_cmp_ps(a, b, _CMP_LT_OQ)
#define SELECT_256(mask, yes, no) _mm256_blendv_ps(no, yes, mask)
#define ABS_512(v) _mm512_abs_ps(v)
#define LOAD_TABLE_512(row) _mm512_castps256_ps512(_mm256_loadu_ps(row))
#define PICK_512(table, i) _mm512_permutexvar_ps(i, table)
#define BELOW_512(a, b) _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ)
#define SELECT_512(mask, yes, no) _mm512_mask_blend_ps(mask, no, yes)

DEFINE_GELU_SHORT(gelu_short_avx2, "avx2,fma", __m256, __m256i, _mm256, 256, ABS_256, LOAD_TABLE_256, PICK_256, BELOW_256, SELECT_256)
DEFINE_GELU_SHORT(gelu_short_avx512, "avx2,fma,avx512f", __m512, __m512i, _mm512, 512, ABS_512, LOAD_TABLE_512, PICK_512, BELOW_512,
                  SELECT_512)
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
