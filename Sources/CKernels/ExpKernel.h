#ifndef CONDENSER_EXP_KERNEL_H
#define CONDENSER_EXP_KERNEL_H
#include <math.h>
#include <stdint.h>
#include <string.h>

// For kernels compiled with `#pragma clang fp contract(off)`: every path then computes the same
// operations in the same order and agrees bit for bit. The fused multiply-adds are explicit (fmaf,
// one rounding on every path; vector paths need FMA).

static inline float bits_to_float(int32_t bits) { float f; memcpy(&f, &bits, 4); return f; }
static inline int32_t float_to_bits(float f) { int32_t bits; memcpy(&bits, &f, 4); return bits; }

/// e^x for x in [-87.3, 88.3] (clamped): Cody–Waite reduction, degree-5 minimax polynomial in
/// fused multiply-adds.
static inline float exp_kernel(float x) {
    x = x < -87.3f ? -87.3f : (x > 88.3f ? 88.3f : x);
    const float magic = 12582912.0f;                 // 1.5·2²³: adding it rounds to an integer
    float shifted = fmaf(x, 1.44269504f, magic);
    float n = shifted - magic;
    float r = fmaf(n, -0.693359375f, x);
    r = fmaf(n, 2.1219444e-4f, r);
    float p = 1.98756915e-4f;
    p = fmaf(p, r, 1.39819995e-3f);
    p = fmaf(p, r, 8.3334519e-3f);
    p = fmaf(p, r, 4.16657959e-2f);
    p = fmaf(p, r, 1.66666655e-1f);
    p = fmaf(p, r, 5.00000012e-1f);
    p = fmaf(p, r * r, r) + 1.0f;
    int32_t integer = float_to_bits(shifted) - float_to_bits(magic);
    return p * bits_to_float((integer + 127) << 23);
}


/// e^x for x ≤ 0 to within 1.1e-4 relative (x below −87.3 is taken as −87.3): 2^(x·log₂e) as
/// 2ⁿ·2^f with n = round(x·log₂e), |f| ≤ ½, and 2^f a degree-3 polynomial (fitted to relative
/// error). Half the operations of exp_kernel; for the int8 attention's softmax, whose numerators
/// become 7-bit codes (steps of 1/127).
static inline float fast_exp_kernel(float x) {
    x = x < -87.3f ? -87.3f : x;
    const float magic = 12582912.0f;
    float shifted = fmaf(x, 1.44269504f, magic);
    float f = fmaf(x, 1.44269504f, -(shifted - magic));
    float p = fmaf(fmaf(fmaf(0.0550088473f, f, 0.242210612f), f, 0.693282902f), f, 1.0f);
    return p * bits_to_float((float_to_bits(shifted) + (127 - float_to_bits(magic))) << 23);
}

#if defined(__x86_64__)
#include <immintrin.h>

/// exp_kernel on a vector of `V` (the prefix `P`, e.g. _mm256, and width `BITS`): the same
/// operations in the same order as the scalar kernel.
#define DEFINE_VECTOR_EXP(name, TARGET, V, I, P, BITS)                                           \
    __attribute__((target(TARGET))) static inline V name(V x) {                                 \
        x = P##_min_ps(P##_max_ps(x, P##_set1_ps(-87.3f)), P##_set1_ps(88.3f));                 \
        const V magic = P##_set1_ps(12582912.0f);                                               \
        V shifted = P##_fmadd_ps(x, P##_set1_ps(1.44269504f), magic);                           \
        V n = P##_sub_ps(shifted, magic);                                                       \
        V r = P##_fmadd_ps(n, P##_set1_ps(-0.693359375f), x);                                   \
        r = P##_fmadd_ps(n, P##_set1_ps(2.1219444e-4f), r);                                     \
        V p = P##_set1_ps(1.98756915e-4f);                                                      \
        p = P##_fmadd_ps(p, r, P##_set1_ps(1.39819995e-3f));                                    \
        p = P##_fmadd_ps(p, r, P##_set1_ps(8.3334519e-3f));                                     \
        p = P##_fmadd_ps(p, r, P##_set1_ps(4.16657959e-2f));                                    \
        p = P##_fmadd_ps(p, r, P##_set1_ps(1.66666655e-1f));                                    \
        p = P##_fmadd_ps(p, r, P##_set1_ps(5.00000012e-1f));                                    \
        p = P##_add_ps(P##_fmadd_ps(p, P##_mul_ps(r, r), r), P##_set1_ps(1.0f));                \
        I integer = P##_sub_epi32(P##_castps_si##BITS(shifted), P##_castps_si##BITS(magic));   \
        I power = P##_slli_epi32(P##_add_epi32(integer, P##_set1_epi32(127)), 23);             \
        return P##_mul_ps(p, P##_castsi##BITS##_ps(power));                                     \
    }

DEFINE_VECTOR_EXP(exp_avx2, "avx2,fma", __m256, __m256i, _mm256, 256)
DEFINE_VECTOR_EXP(exp_avx512, "avx2,fma,avx512f", __m512, __m512i, _mm512, 512)

/// fast_exp_kernel on a vector, the same operations in the same order.
#define DEFINE_VECTOR_FAST_EXP(name, TARGET, V, I, P, BITS)                                      \
    __attribute__((target(TARGET))) static inline V name(V x) {                                 \
        x = P##_max_ps(x, P##_set1_ps(-87.3f));                                                 \
        const V magic = P##_set1_ps(12582912.0f), log2e = P##_set1_ps(1.44269504f);            \
        V shifted = P##_fmadd_ps(x, log2e, magic);                                              \
        V f = P##_fmsub_ps(x, log2e, P##_sub_ps(shifted, magic));                               \
        V p = P##_fmadd_ps(P##_set1_ps(0.0550088473f), f, P##_set1_ps(0.242210612f));           \
        p = P##_fmadd_ps(p, f, P##_set1_ps(0.693282902f));                                      \
        p = P##_fmadd_ps(p, f, P##_set1_ps(1.0f));                                              \
        I bias = P##_set1_epi32(127 - 0x4B400000);                                              \
        I power = P##_slli_epi32(P##_add_epi32(P##_castps_si##BITS(shifted), bias), 23);       \
        return P##_mul_ps(p, P##_castsi##BITS##_ps(power));                                     \
    }

DEFINE_VECTOR_FAST_EXP(fast_exp_avx2, "avx2,fma", __m256, __m256i, _mm256, 256)
DEFINE_VECTOR_FAST_EXP(fast_exp_avx512, "avx2,fma,avx512f", __m512, __m512i, _mm512, 512)
#endif

#endif
