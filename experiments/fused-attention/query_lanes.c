#include "CKernels.h"
#include "attention_head.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

// One (batch, head) of attention in one pass, on AVX-512, AVX2 or portable code chosen at run
// time, bit-identical. The vector paths give each lane its own query: a block of 16 (or 8) queries
// is computed key by key, so the softmax's maximum, sum and normalisation are plain vector
// operations with no reduction across lanes, and a head's scores never leave the cache. Every
// path computes, for query i:
// - score[j] = fma(Σ_d q[d]·k[j, d], scale, mask[j]), the sum a chain of fused multiply-adds in d
//   order from 0, mask[j] 0 or −∞ for a masked key;
// - e[j] = e^(score[j] − max) with GELU's exp (0 where score[j] is −∞), total = Σ_j e[j] in key
//   order, weight[j] = e[j] · (1 / total) (all 0 when every key is masked);
// - context[d] = Σ_j weight[j]·v[j, d], fused multiply-adds in key order from 0.
// Fused multiply-adds round once wherever they run (fmaf on the portable path) and the compiler
// contracts nothing else, so these are the same operations in the same order on every path.
#pragma clang fp contract(off)

#include "ExpKernel.h"

static void attend_portable(const condenser_attention_head *a, float *row) {
    long tk = a->keys, hd = a->head_dim;
    for (long i = 0; i < a->queries; i++) {
        const float *q = a->query + i * a->query_stride;
        float *p = a->weights + i * tk;
        float maximum = -INFINITY;
        for (long j = 0; j < tk; j++) {
            const float *k = a->key + j * a->key_stride;
            float sum = 0;
            for (long d = 0; d < hd; d++) sum = fmaf(q[d], k[d], sum);
            row[j] = fmaf(sum, a->scale, a->key_live && !a->key_live[j] ? -INFINITY : 0.0f);
            maximum = row[j] > maximum ? row[j] : maximum;
        }
        float total = 0;
        for (long j = 0; j < tk; j++) {
            row[j] = row[j] == -INFINITY ? 0.0f : exp_kernel(row[j] - maximum);
            total = total + row[j];
        }
        float normaliser = maximum == -INFINITY ? 0.0f : 1.0f / total;
        for (long j = 0; j < tk; j++) p[j] = row[j] * normaliser;
        if (!a->context) continue;
        for (long d = 0; d < hd; d++) {
            float sum = 0;
            for (long j = 0; j < tk; j++) sum = fmaf(p[j], a->value[j * a->value_stride + d], sum);
            a->context[i * a->context_stride + d] = sum;
        }
    }
}

#if defined(__x86_64__)

/// `value` with the lanes where `test` is −∞ cleared, on 8 and on 16 lanes.
__attribute__((target("avx2"))) static inline __m256 clear_where_none_avx2(__m256 test, __m256 value) {
    return _mm256_andnot_ps(_mm256_cmp_ps(test, _mm256_set1_ps(-INFINITY), _CMP_EQ_OQ), value);
}
__attribute__((target("avx2,avx512f"))) static inline __m512 clear_where_none_avx512(__m512 test, __m512 value) {
    return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(test, _mm512_set1_ps(-INFINITY), _CMP_NEQ_UQ), value);
}

/// The attention of queries i0 ..< i0 + rows (rows ≤ LANES), one query per lane, on vectors V of
/// LANES floats (P: the intrinsics' prefix, EXP and CLEAR the width's helpers). qt: [hd, LANES]
/// scratch for the queries transposed; scores: [keys, LANES] scratch.
#define DEFINE_BLOCK(NAME, TARGET, V, LANES, P, EXP, CLEAR)                                             \
    __attribute__((target(TARGET))) static void NAME(const condenser_attention_head *a, long i0, long rows, \
                                                      float *qt, float *scores) {                          \
        long tk = a->keys, hd = a->head_dim;                                                               \
        for (long d = 0; d < hd; d++)                                                                      \
            for (long l = 0; l < LANES; l++) qt[d * LANES + l] = l < rows ? a->query[(i0 + l) * a->query_stride + d] : 0.0f; \
        const V scale = P##_set1_ps(a->scale);                                                             \
        V high = P##_set1_ps(-INFINITY);                                                                   \
        for (long j = 0; j < tk; j++) {                                                                    \
            const float *k = a->key + j * a->key_stride;                                                   \
            V sum = P##_setzero_ps();                                                                      \
            for (long d = 0; d < hd; d++) sum = P##_fmadd_ps(P##_set1_ps(k[d]), P##_loadu_ps(qt + d * LANES), sum); \
            V score = P##_fmadd_ps(sum, scale, P##_set1_ps(a->key_live && !a->key_live[j] ? -INFINITY : 0.0f)); \
            high = P##_max_ps(high, score);                                                                \
            P##_storeu_ps(scores + j * LANES, score);                                                      \
        }                                                                                                  \
        V total = P##_setzero_ps();                                                                        \
        for (long j = 0; j < tk; j++) {                                                                    \
            V score = P##_loadu_ps(scores + j * LANES);                                                    \
            V e = CLEAR(score, EXP(P##_sub_ps(score, high)));                                              \
            P##_storeu_ps(scores + j * LANES, e);                                                          \
            total = P##_add_ps(total, e);                                                                  \
        }                                                                                                  \
        V normaliser = CLEAR(high, P##_div_ps(P##_set1_ps(1.0f), total));                                \
        for (long j = 0; j < tk; j++) P##_storeu_ps(scores + j * LANES, P##_mul_ps(P##_loadu_ps(scores + j * LANES), normaliser)); \
        for (long l = 0; l < rows; l++) {                                                                  \
            _Pragma("clang loop vectorize(disable)")                                                       \
            for (long j = 0; j < tk; j++) a->weights[(i0 + l) * tk + j] = scores[j * LANES + l];          \
        }                                                                                                  \
        if (!a->context) return;                                                                           \
        for (long d0 = 0; d0 < hd; d0 += 8) {                                                              \
            long width = hd - d0 < 8 ? hd - d0 : 8;                                                        \
            V sum[8];                                                                                      \
            for (long d = 0; d < 8; d++) sum[d] = P##_setzero_ps();                                        \
            for (long j = 0; j < tk; j++) {                                                                \
                V weight = P##_loadu_ps(scores + j * LANES);                                               \
                const float *v = a->value + j * a->value_stride + d0;                                      \
                for (long d = 0; d < width; d++) sum[d] = P##_fmadd_ps(weight, P##_set1_ps(v[d]), sum[d]); \
            }                                                                                              \
            float out[8][LANES];                                                                           \
            for (long d = 0; d < width; d++) P##_storeu_ps(out[d], sum[d]);                               \
            for (long l = 0; l < rows; l++)                                                                \
                for (long d = 0; d < width; d++) a->context[(i0 + l) * a->context_stride + d0 + d] = out[d][l]; \
        }                                                                                                  \
    }

DEFINE_BLOCK(block_avx2, "avx2,fma", __m256, 8, _mm256, exp_avx2, clear_where_none_avx2)
DEFINE_BLOCK(block_avx512, "avx2,fma,avx512f", __m512, 16, _mm512, exp_avx512, clear_where_none_avx512)

#endif

int condenser_attend(const condenser_attention_head *head, int path) {
    long lanes = 1;
    path = condenser_vector_path(path);
#if defined(__x86_64__)
    if (path == CONDENSER_VECTOR_AVX512) lanes = 16;
    if (path == CONDENSER_VECTOR_AVX2) lanes = 8;
#endif
    float *scratch = malloc(sizeof(float) * (size_t)(lanes * (head->head_dim + head->keys) + head->keys));
    if (!scratch) return 0;
    float *qt = scratch, *scores = scratch + lanes * head->head_dim;
    switch (path) {
#if defined(__x86_64__)
    case CONDENSER_VECTOR_AVX512:
        for (long i = 0; i < head->queries; i += 16) block_avx512(head, i, head->queries - i < 16 ? head->queries - i : 16, qt, scores);
        break;
    case CONDENSER_VECTOR_AVX2:
        for (long i = 0; i < head->queries; i += 8) block_avx2(head, i, head->queries - i < 8 ? head->queries - i : 8, qt, scores);
        break;
#endif
    default: attend_portable(head, scores);
    }
    free(scratch);
    return 1;
}
