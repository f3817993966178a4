#include "CKernels.h"
#include "attention_head.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// One (batch, head) of attention in one pass, on AVX-512, AVX2 or portable code chosen at run
// time, bit-identical. Scores, softmax and context of a few query rows at a time stay in cache, and
// the rows are interleaved so that their dependency chains (the sums over head features, keys and
// the softmax's lanes) overlap. Every path computes:
// - score[j] = (Σ_d q[d]·k[j, d]) · scale + mask[j] (0, or −∞ for a masked key), each step a fused
//   multiply-add, the sum in d order from 0;
// - softmax as condenser_softmax_rows does (GELU's exp, −∞ giving 0), except that the sum runs in
//   8 lanes over the whole row (lane l adds keys l, l + 8, … in order), the lanes then added in order;
// - context[d] = Σ_j weight[j]·v[j, d], fused multiply-adds in key order from 0.
// Fused multiply-adds round once wherever they run (fmaf on the portable path) and the compiler
// contracts nothing else, so these are the same operations in the same order on every path.
#pragma clang fp contract(off)

#include "ExpKernel.h"

enum {
    GROUP = 8,   // query rows computed together
    BLOCK = 16,  // keys are padded to a multiple of this (the widest vector)
    LANES = 8,   // the softmax sum's lanes
};

/// Working memory of one head: keys transposed and zero-padded, kt [head_dim, padded]; each key's
/// additive mask, 0 to attend and −∞ for masked and padding keys; a group's score rows [GROUP, padded].
typedef struct {
    long padded;
    float *kt, *mask, *rows;
} workspace;

static int workspace_open(const condenser_attention_head *a, workspace *w) {
    long padded = (a->keys + BLOCK - 1) / BLOCK * BLOCK;
    float *memory = malloc(sizeof(float) * (size_t)(padded * (a->head_dim + 1 + GROUP)));
    if (!memory) return 0;
    *w = (workspace){padded, memory, memory + padded * a->head_dim, memory + padded * (a->head_dim + 1)};
    for (long j = 0; j < a->keys; j++) {
        const float *k = a->key + j * a->key_stride;
        for (long d = 0; d < a->head_dim; d++) w->kt[d * padded + j] = k[d];
        w->mask[j] = !a->key_live || a->key_live[j] ? 0.0f : -INFINITY;
    }
    for (long j = a->keys; j < padded; j++) {
        for (long d = 0; d < a->head_dim; d++) w->kt[d * padded + j] = 0.0f;
        w->mask[j] = -INFINITY;
    }
    return 1;
}

/// The row's softmax normaliser 1 / Σ from its 8 lane sums.
static inline float reciprocal_total(const float lanes[LANES]) {
    float total = 0;
    for (int l = 0; l < LANES; l++) total += lanes[l];
    return 1.0f / total;
}

static void attend_portable(const condenser_attention_head *a, const workspace *w) {
    long tk = a->keys, hd = a->head_dim;
    float *row = w->rows;
    for (long i = 0; i < a->queries; i++) {
        const float *q = a->query + i * a->query_stride;
        float *p = a->weights + i * tk;
        float maximum = -INFINITY;
        for (long j = 0; j < tk; j++) {
            float sum = 0;
            for (long d = 0; d < hd; d++) sum = fmaf(q[d], w->kt[d * w->padded + j], sum);
            row[j] = fmaf(sum, a->scale, w->mask[j]);
            maximum = row[j] > maximum ? row[j] : maximum;
        }
        if (maximum == -INFINITY) {
            memset(p, 0, sizeof(float) * (size_t)tk);
        } else {
            float lanes[LANES] = {0};
            for (long j = 0; j < tk; j++) {
                row[j] = row[j] == -INFINITY ? 0.0f : exp_kernel(row[j] - maximum);
                lanes[j % LANES] += row[j];
            }
            float normaliser = reciprocal_total(lanes);
            for (long j = 0; j < tk; j++) p[j] = row[j] * normaliser;
        }
        if (!a->context) continue;
        for (long d = 0; d < hd; d++) {
            float sum = 0;
            for (long j = 0; j < tk; j++) sum = fmaf(p[j], a->value[j * a->value_stride + d], sum);
            a->context[i * a->context_stride + d] = sum;
        }
    }
}

#if defined(__x86_64__)

/// Lanes 0 ..< count of 8 set (all for count ≥ 8), for AVX2's masked loads and stores.
__attribute__((target("avx2,fma")))
static inline __m256i first_lanes(long count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(count < 8 ? count : 8)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// 1 / Σ of GROUP = LANES rows at once, each total summed lane by lane in order as reciprocal_total
/// does (the lane sums transposed so that the additions run across rows), 0 for a row whose maximum
/// is −∞ (every key masked). lanes[r]: row r's 8 lane sums.
__attribute__((target("avx2,fma")))
static inline void group_normalisers(const __m256 lanes[GROUP], const float maximum[GROUP], float normaliser[GROUP]) {
    __m256 t[8], u[8];
    for (int r = 0; r < 8; r += 2) {
        t[r] = _mm256_unpacklo_ps(lanes[r], lanes[r + 1]);
        t[r + 1] = _mm256_unpackhi_ps(lanes[r], lanes[r + 1]);
    }
    for (int r = 0; r < 8; r += 4) {
        u[r] = _mm256_shuffle_ps(t[r], t[r + 2], 0x44);
        u[r + 1] = _mm256_shuffle_ps(t[r], t[r + 2], 0xEE);
        u[r + 2] = _mm256_shuffle_ps(t[r + 1], t[r + 3], 0x44);
        u[r + 3] = _mm256_shuffle_ps(t[r + 1], t[r + 3], 0xEE);
    }
    __m256 total = _mm256_setzero_ps();
    for (int l = 0; l < 4; l++) total = _mm256_add_ps(total, _mm256_permute2f128_ps(u[l], u[l + 4], 0x20));
    for (int l = 0; l < 4; l++) total = _mm256_add_ps(total, _mm256_permute2f128_ps(u[l], u[l + 4], 0x31));
    __m256 dead = _mm256_cmp_ps(_mm256_loadu_ps(maximum), _mm256_set1_ps(-INFINITY), _CMP_EQ_OQ);
    _mm256_storeu_ps(normaliser, _mm256_andnot_ps(dead, _mm256_div_ps(_mm256_set1_ps(1.0f), total)));
}

/// group_normalisers for a whole group, row by row for fewer rows.
__attribute__((target("avx2,fma"), always_inline))
static inline void group_or_row_normalisers(const int n, const __m256 lanes[GROUP], const float maximum[GROUP], float normaliser[GROUP]) {
    if (n == GROUP) return group_normalisers(lanes, maximum, normaliser);
    for (int r = 0; r < n; r++) {
        float sums[LANES];
        _mm256_storeu_ps(sums, lanes[r]);
        normaliser[r] = maximum[r] == -INFINITY ? 0.0f : reciprocal_total(sums);
    }
}

/// Query rows i0 ..< i0 + n (n ≤ GROUP, a constant where inlined) on 16 lanes.
__attribute__((target("avx2,fma,avx512f"), always_inline))
static inline void group_avx512(const condenser_attention_head *a, const workspace *w, long i0, const int n) {
    long tk = a->keys, hd = a->head_dim, padded = w->padded;
    const __m512 none = _mm512_set1_ps(-INFINITY), scale = _mm512_set1_ps(a->scale);
    __m512 high[GROUP];
    for (int r = 0; r < n; r++) high[r] = none;
    for (long j = 0; j < padded; j += 16) {
        __m512 sum[GROUP];
        for (int r = 0; r < n; r++) sum[r] = _mm512_setzero_ps();
        for (long d = 0; d < hd; d++) {
            __m512 k = _mm512_loadu_ps(w->kt + d * padded + j);
            for (int r = 0; r < n; r++)
                sum[r] = _mm512_fmadd_ps(_mm512_set1_ps(a->query[(i0 + r) * a->query_stride + d]), k, sum[r]);
        }
        __m512 mask = _mm512_loadu_ps(w->mask + j);
        for (int r = 0; r < n; r++) {
            __m512 score = _mm512_fmadd_ps(sum[r], scale, mask);
            high[r] = _mm512_max_ps(high[r], score);
            _mm512_storeu_ps(w->rows + r * padded + j, score);
        }
    }
    float maximum[GROUP], normaliser[GROUP];
    __m256 lanes[GROUP];
    for (int r = 0; r < n; r++) {
        maximum[r] = _mm512_reduce_max_ps(high[r]);
        __m256 sums = _mm256_setzero_ps();
        for (long j = 0; j < padded; j += 16) {
            float *at = w->rows + r * padded + j;
            __m512 score = _mm512_loadu_ps(at);
            __mmask16 live = _mm512_cmp_ps_mask(score, none, _CMP_NEQ_UQ);
            __m512 e = _mm512_maskz_mov_ps(live, exp_avx512(_mm512_sub_ps(score, _mm512_set1_ps(maximum[r]))));
            _mm512_storeu_ps(at, e);
            sums = _mm256_add_ps(sums, _mm512_castps512_ps256(e));
            sums = _mm256_add_ps(sums, _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(e), 1)));
        }
        lanes[r] = sums;
    }
    group_or_row_normalisers(n, lanes, maximum, normaliser);
    for (long j = 0; j < padded; j += 16) {
        __mmask16 inside = j + 16 <= tk ? 0xFFFF : (__mmask16)((1u << (tk - j)) - 1);
        for (int r = 0; r < n; r++) {
            float *at = w->rows + r * padded + j;
            __m512 weight = _mm512_mul_ps(_mm512_loadu_ps(at), _mm512_set1_ps(normaliser[r]));
            _mm512_storeu_ps(at, weight);
            if (inside == 0xFFFF) _mm512_storeu_ps(a->weights + (i0 + r) * tk + j, weight);
            else _mm512_mask_storeu_ps(a->weights + (i0 + r) * tk + j, inside, weight);
        }
    }
    if (!a->context) return;
    for (long d = 0; d < hd; d += 16) {
        if (hd - d <= 8) {  // a half block: 8 lanes do the same sums with half the work
            __m256i inside = first_lanes(hd - d);
            __m256 sum[GROUP];
            for (int r = 0; r < n; r++) sum[r] = _mm256_setzero_ps();
            for (long j = 0; j < tk; j++) {
                __m256 v = _mm256_maskload_ps(a->value + j * a->value_stride + d, inside);
                for (int r = 0; r < n; r++) sum[r] = _mm256_fmadd_ps(_mm256_set1_ps(w->rows[r * padded + j]), v, sum[r]);
            }
            for (int r = 0; r < n; r++) _mm256_maskstore_ps(a->context + (i0 + r) * a->context_stride + d, inside, sum[r]);
            continue;
        }
        __mmask16 inside = d + 16 <= hd ? 0xFFFF : (__mmask16)((1u << (hd - d)) - 1);
        __m512 sum[GROUP];
        for (int r = 0; r < n; r++) sum[r] = _mm512_setzero_ps();
        for (long j = 0; j < tk; j++) {
            __m512 v = _mm512_maskz_loadu_ps(inside, a->value + j * a->value_stride + d);
            for (int r = 0; r < n; r++) sum[r] = _mm512_fmadd_ps(_mm512_set1_ps(w->rows[r * padded + j]), v, sum[r]);
        }
        for (int r = 0; r < n; r++) _mm512_mask_storeu_ps(a->context + (i0 + r) * a->context_stride + d, inside, sum[r]);
    }
}

__attribute__((target("avx2,fma,avx512f")))
static void attend_avx512(const condenser_attention_head *a, const workspace *w) {
    long i = 0;
    for (; i + GROUP <= a->queries; i += GROUP) group_avx512(a, w, i, GROUP);
    for (; i < a->queries; i++) group_avx512(a, w, i, 1);
}

/// group_avx512 on 8 lanes.
__attribute__((target("avx2,fma"), always_inline))
static inline void group_avx2(const condenser_attention_head *a, const workspace *w, long i0, const int n) {
    long tk = a->keys, hd = a->head_dim, padded = w->padded;
    const __m256 none = _mm256_set1_ps(-INFINITY), scale = _mm256_set1_ps(a->scale);
    __m256 high[GROUP];
    for (int r = 0; r < n; r++) high[r] = none;
    for (long j = 0; j < padded; j += 8) {
        __m256 sum[GROUP];
        for (int r = 0; r < n; r++) sum[r] = _mm256_setzero_ps();
        for (long d = 0; d < hd; d++) {
            __m256 k = _mm256_loadu_ps(w->kt + d * padded + j);
            for (int r = 0; r < n; r++)
                sum[r] = _mm256_fmadd_ps(_mm256_set1_ps(a->query[(i0 + r) * a->query_stride + d]), k, sum[r]);
        }
        __m256 mask = _mm256_loadu_ps(w->mask + j);
        for (int r = 0; r < n; r++) {
            __m256 score = _mm256_fmadd_ps(sum[r], scale, mask);
            high[r] = _mm256_max_ps(high[r], score);
            _mm256_storeu_ps(w->rows + r * padded + j, score);
        }
    }
    float maximum[GROUP], normaliser[GROUP];
    __m256 lanes[GROUP];
    for (int r = 0; r < n; r++) {
        float values[8];
        _mm256_storeu_ps(values, high[r]);
        maximum[r] = -INFINITY;
        for (int l = 0; l < 8; l++) maximum[r] = values[l] > maximum[r] ? values[l] : maximum[r];
        __m256 sums = _mm256_setzero_ps();
        for (long j = 0; j < padded; j += 8) {
            float *at = w->rows + r * padded + j;
            __m256 score = _mm256_loadu_ps(at);
            __m256 masked = _mm256_cmp_ps(score, none, _CMP_EQ_OQ);
            __m256 e = _mm256_andnot_ps(masked, exp_avx2(_mm256_sub_ps(score, _mm256_set1_ps(maximum[r]))));
            _mm256_storeu_ps(at, e);
            sums = _mm256_add_ps(sums, e);
        }
        lanes[r] = sums;
    }
    group_or_row_normalisers(n, lanes, maximum, normaliser);
    for (long j = 0; j < padded; j += 8) {
        __m256i inside = first_lanes(tk - j);
        for (int r = 0; r < n; r++) {
            float *at = w->rows + r * padded + j;
            __m256 weight = _mm256_mul_ps(_mm256_loadu_ps(at), _mm256_set1_ps(normaliser[r]));
            _mm256_storeu_ps(at, weight);
            _mm256_maskstore_ps(a->weights + (i0 + r) * tk + j, inside, weight);
        }
    }
    if (!a->context) return;
    for (long d = 0; d < hd; d += 8) {
        __m256i inside = first_lanes(hd - d);
        __m256 sum[GROUP];
        for (int r = 0; r < n; r++) sum[r] = _mm256_setzero_ps();
        for (long j = 0; j < tk; j++) {
            __m256 v = _mm256_maskload_ps(a->value + j * a->value_stride + d, inside);
            for (int r = 0; r < n; r++) sum[r] = _mm256_fmadd_ps(_mm256_set1_ps(w->rows[r * padded + j]), v, sum[r]);
        }
        for (int r = 0; r < n; r++) _mm256_maskstore_ps(a->context + (i0 + r) * a->context_stride + d, inside, sum[r]);
    }
}

__attribute__((target("avx2,fma")))
static void attend_avx2(const condenser_attention_head *a, const workspace *w) {
    long i = 0;
    for (; i + GROUP <= a->queries; i += GROUP) group_avx2(a, w, i, GROUP);
    for (; i < a->queries; i++) group_avx2(a, w, i, 1);
}
#endif

int condenser_attend(const condenser_attention_head *head, int path) {
    workspace w;
    if (!workspace_open(head, &w)) return 0;
    switch (condenser_vector_path(path)) {
#if defined(__x86_64__)
    case CONDENSER_VECTOR_AVX512: attend_avx512(head, &w); break;
    case CONDENSER_VECTOR_AVX2: attend_avx2(head, &w); break;
#endif
    default: attend_portable(head, &w);
    }
    free(w.kt);
    return 1;
}
