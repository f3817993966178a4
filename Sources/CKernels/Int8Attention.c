#include "CKernels.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

// One head of attention for int8 models: Q·Kᵀ and P·V as exact integer products, the softmax
// between them in float32 with a short exponential (fast_exp_kernel). On the int8 product's path
// (AVX512-VNNI, AVX-VNNI, AVX2, portable), chosen at run time; the integer sums are exact on every
// path and the float operations are the same in the same order, so all paths agree bit for bit.
//
// Codes, all symmetric (zero at code 0), scales = max|x| / limit:
// - queries: 7-bit, −63…63, one scale for the head's queries, stored as 64 + code (1…127) so that
//   AVX2's vpmaddubsw cannot saturate (2·127·127 < 2¹⁵); the 64 is taken back with 64·Σ key codes;
// - keys: −127…127, one scale for the head's keys;
// - the softmax numerators e = exp(s − max) in [0, 1]: p = round(127·e), 0…127 (one scale, 1/127);
// - values: −127…127, a scale per feature of the head.
//
// The vector paths put one query in each lane (16 or 8 queries at a time), so that a query's
// maximum and sum over the keys need no reduction across lanes: each query's numerators are summed
// in four running sums (keys j ≡ 0, 1, 2, 3 mod 4, in order), combined as (s₀ + s₁) + (s₂ + s₃).
#pragma clang fp contract(off)

#include "ExpKernel.h"
#include "Transpose.h"

enum { QUERY_BLOCK = 16, DIM_BLOCK = 8, QUERY_LIMIT = 63, QUERY_OFFSET = 64, LIMIT = 127 };

static long round_up(long n, long m) { return (n + m - 1) / m * m; }

/// A head's codes and scales, in one scratch buffer of condenser_int8_attention_scratch bytes.
typedef struct {
    long tq, tk, hd;
    long quads;          // features in groups of 4, ⌈hd/4⌉
    long queries;        // tq rounded up to 16
    long key_quads;      // keys in groups of 4, ⌈tk/4⌉
    long dims;           // hd rounded up to 8
    float score_factor;  // query scale · key scale · score scale
    const uint8_t *keep; // tk flags or NULL
    uint8_t *q;          // [queries][4·quads]: a query's codes (the vector paths gather 16 or 8 queries' groups)
    int32_t *k;          // [tk][quads]: a key's codes, 4 to an int32
    int32_t *k_bias;     // [tk]: 64·Σ codes
    int8_t *v;           // [key_quads][dims][4]: 4 keys' codes of a feature side by side
    float *v_scale;      // [dims]
    float *scores;       // [tk][16]: a block's scores, then (when weights are written) numerators, key by key
    uint8_t *p;          // [key_quads][16][4]: a block's numerator codes, 4 keys to a query
    float *inverse;      // [16]: a block's 1 / Σ numerators (0 for a query with every key masked)
} Head;

/// The scratch layout for a head of tq queries, tk keys and hd features, and its size in bytes.
static long layout(Head *h, long tq, long tk, long hd, uint8_t *base) {
    h->tq = tq; h->tk = tk; h->hd = hd;
    h->quads = (hd + 3) / 4; h->queries = round_up(tq, QUERY_BLOCK); h->key_quads = (tk + 3) / 4; h->dims = round_up(hd, DIM_BLOCK);
    long offset = 0;
#define PLACE(field, type, count) h->field = (type *)(base ? base + offset : 0); offset += round_up((long)sizeof(type) * (count), 64);
    PLACE(q, uint8_t, h->quads * h->queries * 4)
    PLACE(k, int32_t, tk * h->quads)
    PLACE(k_bias, int32_t, tk)
    PLACE(v, int8_t, h->key_quads * h->dims * 4)
    PLACE(v_scale, float, h->dims)
    PLACE(scores, float, tk * QUERY_BLOCK)
    PLACE(p, uint8_t, h->key_quads * QUERY_BLOCK * 4)
    PLACE(inverse, float, QUERY_BLOCK)
#undef PLACE
    return offset;
}

long condenser_int8_attention_scratch(long tq, long tk, long hd) {
    Head h;
    return layout(&h, tq, tk, hd, 0) + 64;
}

static int attended(const Head *h, long j) { return !h->keep || h->keep[j]; }

// MARK: quantization, portable

/// max |x| over a block of `rows` rows of n (row stride ld).
static float block_largest(const float *x, long rows, long n, long ld) {
    float m = 0;
    for (long r = 0; r < rows; r++)
        for (long d = 0; d < n; d++) {
            float a = fabsf(x[r * ld + d]);
            m = a > m ? a : m;
        }
    return m;
}

/// round(x · inverse) clamped to ±limit (nearest even).
static int8_t code(float x, float inverse, float limit) {
    float v = x * inverse;
    v = v < -limit ? -limit : (v > limit ? limit : v);
    return (int8_t)nearbyintf(v);
}

/// Query and key codes, one scale each; returns the product of the two scales.
static float quantize_queries_and_keys_portable(Head *h, const float *q, long ldq, const float *k, long ldk) {
    float largest = block_largest(q, h->tq, h->hd, ldq);
    float inverse = largest > 0 ? (float)QUERY_LIMIT / largest : 0;
    float query_scale = largest / (float)QUERY_LIMIT;
    for (long i = 0; i < h->tq; i++)
        for (long d = 0; d < 4 * h->quads; d++)
            h->q[i * 4 * h->quads + d] = (uint8_t)((d < h->hd ? code(q[i * ldq + d], inverse, QUERY_LIMIT) : 0) + QUERY_OFFSET);
    largest = block_largest(k, h->tk, h->hd, ldk);
    inverse = largest > 0 ? (float)LIMIT / largest : 0;
    for (long j = 0; j < h->tk; j++) {
        int8_t *row = (int8_t *)(h->k + j * h->quads);
        int32_t total = 0;
        for (long d = 0; d < h->hd; d++) {
            row[d] = code(k[j * ldk + d], inverse, LIMIT);
            total += row[d];
        }
        h->k_bias[j] = QUERY_OFFSET * total;
    }
    return query_scale * (largest / (float)LIMIT);
}

/// Value codes and scales, a scale per feature.
static void quantize_values_portable(Head *h, const float *v, long ldv) {
    for (long d = 0; d < h->hd; d++) {
        float largest = block_largest(v + d, h->tk, 1, ldv);
        float inverse = largest > 0 ? (float)LIMIT / largest : 0;
        h->v_scale[d] = largest / (float)LIMIT;
        for (long j = 0; j < h->tk; j++) h->v[((j / 4) * h->dims + d) * 4 + j % 4] = code(v[j * ldv + d], inverse, LIMIT);
    }
}

/// Zeroes the codes' padding (keys past tk, features past hd; queries past tq get code 64).
static void clear_head(Head *h) {
    memset(h->q + h->tq * 4 * h->quads, QUERY_OFFSET, (size_t)((h->queries - h->tq) * 4 * h->quads));
    memset(h->k, 0, (size_t)(h->tk * h->quads) * sizeof(int32_t));
    memset(h->v, 0, (size_t)(h->key_quads * h->dims * 4));
    memset(h->p, 0, (size_t)(h->key_quads * QUERY_BLOCK * 4));
    for (long d = 0; d < h->dims; d++) h->v_scale[d] = 0;
}

// MARK: a block of queries, portable

/// (s₀ + s₁) + (s₂ + s₃) of the four running sums.
static float combined(const float sums[4]) { return (sums[0] + sums[1]) + (sums[2] + sums[3]); }

/// Queries i0 ..< i0 + count: weights (when not NULL) and context rows.
static void block_portable(Head *h, long i0, long count, float *weights, float *context, long ldc) {
    for (long i = i0; i < i0 + count; i++) {
        float *s = h->scores;
        float maximum = -INFINITY;
        for (long j = 0; j < h->tk; j++) {
            int32_t n = 0;
            const int8_t *key = (const int8_t *)(h->k + j * h->quads);
            for (long d = 0; d < 4 * h->quads; d++) n += (int32_t)h->q[i * 4 * h->quads + d] * key[d];
            s[j] = attended(h, j) ? (float)(n - h->k_bias[j]) * h->score_factor : -INFINITY;
            maximum = s[j] > maximum ? s[j] : maximum;
        }
        float sums[4] = {0, 0, 0, 0};
        uint8_t p[4 * h->key_quads];
        memset(p, 0, sizeof p);
        for (long j = 0; j < h->tk; j++) {
            float e = s[j] == -INFINITY ? 0.0f : fast_exp_kernel(s[j] - maximum);
            s[j] = e;
            sums[j % 4] += e;
            p[j] = (uint8_t)nearbyintf(e * (float)LIMIT);
        }
        float total = combined(sums);
        float inverse = total > 0 ? 1.0f / total : 0.0f;
        if (weights)
            for (long j = 0; j < h->tk; j++) weights[i * h->tk + j] = s[j] * inverse;
        float factor = inverse / (float)LIMIT;
        for (long d = 0; d < h->hd; d++) {
            int32_t n = 0;
            for (long j = 0; j < 4 * h->key_quads; j++) n += (int32_t)p[j] * h->v[((j / 4) * h->dims + d) * 4 + j % 4];
            context[i * ldc + d] = ((float)n * h->v_scale[d]) * factor;
        }
    }
}

// MARK: vector paths

#if defined(__x86_64__)
#include <immintrin.h>

// Quantization on 8 lanes (every vector path; hd a multiple of 8).

/// code() on 8 lanes.
__attribute__((target("avx2")))
static inline __m256i codes_avx2(__m256 x, __m256 inverse, __m256 limit) {
    __m256 v = _mm256_mul_ps(x, inverse);
    v = _mm256_min_ps(_mm256_max_ps(v, _mm256_sub_ps(_mm256_setzero_ps(), limit)), limit);
    return _mm256_cvtps_epi32(v);
}

/// The largest of 8 lanes.
__attribute__((target("avx2")))
static inline float lanes_largest_avx2(__m256 m) {
    __m128 h = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
    h = _mm_max_ps(h, _mm_movehl_ps(h, h));
    return _mm_cvtss_f32(_mm_max_ss(h, _mm_shuffle_ps(h, h, 1)));
}

/// max |x| over a block of `rows` rows of n floats (row stride ld), n a multiple of 8.
__attribute__((target("avx2")))
static float block_largest_avx2(const float *x, long rows, long n, long ld) {
    __m256 m = _mm256_setzero_ps(), sign = _mm256_set1_ps(-0.0f);
    for (long r = 0; r < rows; r++)
        for (long d = 0; d < n; d += 8) m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_loadu_ps(x + r * ld + d)));
    return lanes_largest_avx2(m);
}

/// 8 codes (−128…127) as bytes: lanes 0…3 in the int32 at index 0, lanes 4…7 in the one at index 4.
__attribute__((target("avx2")))
static inline __m256i bytes_avx2(__m256i codes) {
    __m256i words = _mm256_packs_epi32(codes, codes);
    return _mm256_packs_epi16(words, words);
}

/// quantize_queries_and_keys_portable and quantize_values_portable on 8 lanes; returns the
/// query and key scales' product.
__attribute__((target("avx2")))
static float quantize_head_avx2(Head *h, const float *q, long ldq, const float *k, long ldk, const float *v, long ldv) {
    __m256 query_limit = _mm256_set1_ps((float)QUERY_LIMIT), limit = _mm256_set1_ps((float)LIMIT);
    long hd = h->hd;
    float largest = block_largest_avx2(q, h->tq, hd, ldq);
    __m256 inverse = _mm256_set1_ps(largest > 0 ? (float)QUERY_LIMIT / largest : 0);
    float query_scale = largest / (float)QUERY_LIMIT;
    for (long i = 0; i < h->tq; i++)
        for (long d = 0; d < hd; d += 8) {
            __m256i codes = _mm256_add_epi32(codes_avx2(_mm256_loadu_ps(q + i * ldq + d), inverse, query_limit),
                                             _mm256_set1_epi32(QUERY_OFFSET));
            __m256i bytes = _mm256_packus_epi16(_mm256_packs_epi32(codes, codes), _mm256_packs_epi32(codes, codes));
            __m128i row = _mm_unpacklo_epi32(_mm256_castsi256_si128(bytes), _mm256_extracti128_si256(bytes, 1));
            _mm_storel_epi64((__m128i *)(h->q + i * hd + d), row);
        }
    largest = block_largest_avx2(k, h->tk, hd, ldk);
    inverse = _mm256_set1_ps(largest > 0 ? (float)LIMIT / largest : 0);
    for (long j = 0; j < h->tk; j++) {
        __m256i total = _mm256_setzero_si256();
        for (long d = 0; d < hd; d += 8) {
            __m256i codes = codes_avx2(_mm256_loadu_ps(k + j * ldk + d), inverse, limit);
            __m256i bytes = bytes_avx2(codes);
            h->k[j * h->quads + d / 4] = _mm256_extract_epi32(bytes, 0);
            h->k[j * h->quads + d / 4 + 1] = _mm256_extract_epi32(bytes, 4);
            total = _mm256_add_epi32(total, codes);
        }
        __m128i sum = _mm_add_epi32(_mm256_castsi256_si128(total), _mm256_extracti128_si256(total, 1));
        sum = _mm_hadd_epi32(sum, sum);
        sum = _mm_hadd_epi32(sum, sum);
        h->k_bias[j] = QUERY_OFFSET * _mm_cvtsi128_si32(sum);
    }
    float key_scale = largest / (float)LIMIT;
    __m256i low = _mm256_set1_epi32(0xff);
    for (long d = 0; d < hd; d += 8) {
        __m256 top = _mm256_setzero_ps(), sign = _mm256_set1_ps(-0.0f);
        for (long j = 0; j < h->tk; j++) top = _mm256_max_ps(top, _mm256_andnot_ps(sign, _mm256_loadu_ps(v + j * ldv + d)));
        __m256 live = _mm256_cmp_ps(top, _mm256_setzero_ps(), _CMP_GT_OQ);
        __m256 inverses = _mm256_and_ps(live, _mm256_div_ps(limit, top));
        _mm256_storeu_ps(h->v_scale + d, _mm256_div_ps(top, limit));
        for (long g = 0; g < h->key_quads; g++) {
            __m256i packed = _mm256_setzero_si256();
            for (long t = 0; t < 4 && 4 * g + t < h->tk; t++) {
                __m256i codes = _mm256_and_si256(codes_avx2(_mm256_loadu_ps(v + (4 * g + t) * ldv + d), inverses, limit), low);
                packed = _mm256_or_si256(packed, _mm256_slli_epi32(codes, (int)(8 * t)));
            }
            _mm256_storeu_si256((__m256i *)(h->v + (g * h->dims + d) * 4), packed);
        }
    }
    return query_scale * key_scale;
}

/// Σ of four u8·s8 products per int32 lane, added to acc: vpmaddubsw (no saturation with 7-bit
/// unsigned codes) then vpmaddwd by ones.
__attribute__((target("avx2")))
static inline __m256i dot4_avx2(__m256i acc, __m256i u, __m256i s) {
    return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1)));
}

__attribute__((target("avx2,avxvnni")))
static inline __m256i dot4_avxvnni(__m256i acc, __m256i u, __m256i s) { return _mm256_dpbusd_avx_epi32(acc, u, s); }

/// Context rows of a block of 8 queries (lanes) from its codes, with `DOT`: 8 features at a time,
/// each a sum over key quads of the block's codes times a feature's 4 value codes, then
/// transposed to rows (the rest of the features one by one).
#define DEFINE_CONTEXT(name, TARGET, DOT)                                                                      \
    __attribute__((target(TARGET))) static void name(const Head *h, long i0, long count, float *context, long ldc) { \
        const int32_t *values = (const int32_t *)h->v;                                                         \
        __m256 factor = _mm256_div_ps(_mm256_loadu_ps(h->inverse), _mm256_set1_ps((float)LIMIT));              \
        long d = 0;                                                                                            \
        for (; d + 8 <= h->hd; d += 8) {                                                                       \
            __m256i n[8];                                                                                      \
            for (int f = 0; f < 8; f++) n[f] = _mm256_setzero_si256();                                         \
            for (long g = 0; g < h->key_quads; g++) {                                                          \
                __m256i codes = _mm256_loadu_si256((const __m256i *)(h->p + g * QUERY_BLOCK * 4));             \
                for (int f = 0; f < 8; f++) n[f] = DOT(n[f], codes, _mm256_set1_epi32(values[g * h->dims + d + f])); \
            }                                                                                                  \
            __m256 features[8], queries[8];                                                                    \
            for (int f = 0; f < 8; f++)                                                                        \
                features[f] = _mm256_mul_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(n[f]), _mm256_set1_ps(h->v_scale[d + f])), factor); \
            transpose8_avx2(features, queries);                                                                \
            for (long b = 0; b < count; b++) _mm256_storeu_ps(context + (i0 + b) * ldc + d, queries[b]);      \
        }                                                                                                      \
        for (; d < h->hd; d++)                                                                                 \
            for (long b = 0; b < count; b++) {                                                                 \
                int32_t n = 0;                                                                                 \
                for (long g = 0; g < h->key_quads; g++)                                                        \
                    for (long t = 0; t < 4; t++)                                                               \
                        n += (int32_t)h->p[(g * QUERY_BLOCK + b) * 4 + t] * h->v[(g * h->dims + d) * 4 + t];   \
                context[(i0 + b) * ldc + d] = ((float)n * h->v_scale[d]) * (h->inverse[b] / (float)LIMIT);     \
            }                                                                                                  \
    }

DEFINE_CONTEXT(context_avx2, "avx2", dot4_avx2)
DEFINE_CONTEXT(context_avxvnni, "avx2,avxvnni", dot4_avxvnni)

/// The weights of the block's `count` queries: weights[i0 + b][j] = e[j][b] · inverse[b].
static void block_weights(const Head *h, long i0, long count, float *weights) {
    for (long b = 0; b < count; b++) {
        float *w = weights + (i0 + b) * h->tk;
        for (long j = 0; j < h->tk; j++) w[j] = h->scores[j * QUERY_BLOCK + b] * h->inverse[b];
    }
}

/// A block of 8 queries (lanes) on 256-bit vectors, with `DOT` for the integer products.
/// The scores of a block of 8 queries (lanes) against every key, with `DOT`, the queries' codes
/// held in registers (`quads` a constant where inlined); returns their maximum.
#define DEFINE_SCORES_256(name, TARGET, DOT)                                                                   \
    __attribute__((target(TARGET))) static inline __m256 name(Head *h, long i0, long quads) {                  \
        __m256 factor = _mm256_set1_ps(h->score_factor), minus_infinity = _mm256_set1_ps(-INFINITY);          \
        __m256 maximum = minus_infinity;                                                                       \
        __m256i queries[quads];                                                                                \
        __m256i rows = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32((int)quads)); \
        const int *first = (const int *)(h->q + i0 * 4 * quads);                                              \
        for (long g = 0; g < quads; g++) queries[g] = _mm256_i32gather_epi32(first + g, rows, 4);             \
        const int32_t *keys = h->k, *bias = h->k_bias;                                                         \
        const uint8_t *keep = h->keep;                                                                         \
        for (long j = 0; j < h->tk; j++) {                                                                     \
            __m256 s = minus_infinity;                                                                         \
            if (!keep || keep[j]) {                                                                            \
                __m256i n = _mm256_setzero_si256();                                                            \
                for (long g = 0; g < quads; g++) n = DOT(n, queries[g], _mm256_set1_epi32(keys[j * quads + g])); \
                s = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(n, _mm256_set1_epi32(bias[j]))), factor); \
            }                                                                                                  \
            _mm256_storeu_ps(h->scores + j * QUERY_BLOCK, s);                                                  \
            maximum = _mm256_max_ps(maximum, s);                                                               \
        }                                                                                                      \
        return maximum;                                                                                        \
    }

DEFINE_SCORES_256(scores_avx2, "avx2", dot4_avx2)
DEFINE_SCORES_256(scores_avxvnni, "avx2,avxvnni", dot4_avxvnni)

/// A block of 8 queries (lanes) on 256-bit vectors, with `SCORES` and `CONTEXT` for the integer products.
#define DEFINE_BLOCK_256(name, TARGET, SCORES, CONTEXT)                                                        \
    __attribute__((target(TARGET))) static void name(Head *h, long i0, long count, float *weights, float *context, long ldc) { \
        __m256 minus_infinity = _mm256_set1_ps(-INFINITY), maximum;                                            \
        switch (h->quads) {                                                                                    \
        case 2: maximum = SCORES(h, i0, 2); break;                                                             \
        case 4: maximum = SCORES(h, i0, 4); break;                                                             \
        case 8: maximum = SCORES(h, i0, 8); break;                                                             \
        default: maximum = SCORES(h, i0, h->quads);                                                            \
        }                                                                                                      \
        __m256 sums[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()}; \
        __m256 limit = _mm256_set1_ps((float)LIMIT);                                                           \
        __m256i low = _mm256_set1_epi32(0xff);                                                                 \
        int32_t *p = (int32_t *)h->p;                                                                          \
        for (long g = 0; g < h->key_quads; g++) {                                                              \
            __m256i packed = _mm256_setzero_si256();                                                           \
            for (long t = 0; t < 4 && 4 * g + t < h->tk; t++) {                                                \
                float *row = h->scores + (4 * g + t) * QUERY_BLOCK;                                            \
                __m256 s = _mm256_loadu_ps(row);                                                               \
                __m256 masked = _mm256_cmp_ps(s, minus_infinity, _CMP_EQ_OQ);                                  \
                __m256 e = _mm256_andnot_ps(masked, fast_exp_avx2(_mm256_sub_ps(s, maximum)));                \
                if (weights) _mm256_storeu_ps(row, e);                                                         \
                sums[t] = _mm256_add_ps(sums[t], e);                                                           \
                __m256i codes = _mm256_cvtps_epi32(_mm256_mul_ps(e, limit));                                   \
                packed = _mm256_or_si256(packed, _mm256_slli_epi32(_mm256_and_si256(codes, low), (int)(8 * t))); \
            }                                                                                                  \
            _mm256_storeu_si256((__m256i *)(p + g * QUERY_BLOCK), packed);                                     \
        }                                                                                                      \
        __m256 total = _mm256_add_ps(_mm256_add_ps(sums[0], sums[1]), _mm256_add_ps(sums[2], sums[3]));        \
        __m256 live = _mm256_cmp_ps(total, _mm256_setzero_ps(), _CMP_GT_OQ);                                   \
        _mm256_storeu_ps(h->inverse, _mm256_and_ps(live, _mm256_div_ps(_mm256_set1_ps(1.0f), total)));         \
        if (weights) block_weights(h, i0, count, weights);                                                     \
        CONTEXT(h, i0, count, context, ldc);                                                                   \
    }

DEFINE_BLOCK_256(block_avx2, "avx2,fma", scores_avx2, context_avx2)
DEFINE_BLOCK_256(block_avxvnni, "avx2,fma,avxvnni", scores_avxvnni, context_avxvnni)

// Quantization of a head 8 features wide on AVX512-VNNI: two rows to a vector.

#define AVX512_TARGET "avx2,fma,avx512f,avx512bw,avx512vl,avx512vnni"

/// Rows x and x + ld (8 floats each) in one vector.
__attribute__((target(AVX512_TARGET)))
static inline __m512 row_pair(const float *x, long ld) {
    return _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castps_pd(_mm512_castps256_ps512(_mm256_loadu_ps(x))),
                                               _mm256_castps_pd(_mm256_loadu_ps(x + ld)), 1));
}

/// code() on 16 lanes.
__attribute__((target(AVX512_TARGET)))
static inline __m512i codes_avx512(__m512 x, __m512 inverse, __m512 limit) {
    __m512 v = _mm512_mul_ps(x, inverse);
    v = _mm512_min_ps(_mm512_max_ps(v, _mm512_sub_ps(_mm512_setzero_ps(), limit)), limit);
    return _mm512_cvtps_epi32(v);
}

/// max |x| over `rows` rows of 8 floats (row stride ld), lanes of pairs of rows kept apart: the
/// 8 features' maxima in the low half, after combining the halves.
__attribute__((target(AVX512_TARGET)))
static inline __m256 feature_largest_avx512(const float *x, long rows, long ld) {
    __m512 m = _mm512_setzero_ps();
    long r = 0;
    for (; r + 2 <= rows; r += 2) m = _mm512_max_ps(m, _mm512_abs_ps(row_pair(x + r * ld, ld)));
    __m256 half = _mm256_max_ps(_mm512_castps512_ps256(m), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(m), 1)));
    if (r < rows) half = _mm256_max_ps(half, _mm256_andnot_ps(_mm256_set1_ps(-0.0f), _mm256_loadu_ps(x + r * ld)));
    return half;
}

/// Row-major codes of `rows` rows of 8 floats: code(x · inverse) + offset as bytes, two rows to a store.
__attribute__((target(AVX512_TARGET)))
static inline void row_codes_avx512(const float *x, long rows, long ld, float inverse, float limit, int offset, uint8_t *codes) {
    __m512 inverses = _mm512_set1_ps(inverse), limits = _mm512_set1_ps(limit);
    __m512i offsets = _mm512_set1_epi32(offset);
    long r = 0;
    for (; r + 2 <= rows; r += 2) {
        __m512i c = _mm512_add_epi32(codes_avx512(row_pair(x + r * ld, ld), inverses, limits), offsets);
        _mm_storeu_si128((__m128i *)(codes + r * 8), _mm512_cvtepi32_epi8(c));
    }
    if (r < rows) {
        __m256i c = _mm256_add_epi32(codes_avx2(_mm256_loadu_ps(x + r * ld), _mm256_set1_ps(inverse), _mm256_set1_ps(limit)),
                                     _mm256_set1_epi32(offset));
        _mm_storel_epi64((__m128i *)(codes + r * 8), _mm256_cvtepi32_epi8(c));
    }
}

/// quantize_head_avx2 for hd = 8; the key biases from vpdpbusd of the codes by ones.
__attribute__((target(AVX512_TARGET)))
static float quantize_head8_avx512(Head *h, const float *q, long ldq, const float *k, long ldk, const float *v, long ldv) {
    float largest = lanes_largest_avx2(feature_largest_avx512(q, h->tq, ldq));
    row_codes_avx512(q, h->tq, ldq, largest > 0 ? (float)QUERY_LIMIT / largest : 0, (float)QUERY_LIMIT, QUERY_OFFSET, h->q);
    float query_scale = largest / (float)QUERY_LIMIT;
    largest = lanes_largest_avx2(feature_largest_avx512(k, h->tk, ldk));
    row_codes_avx512(k, h->tk, ldk, largest > 0 ? (float)LIMIT / largest : 0, (float)LIMIT, 0, (uint8_t *)h->k);
    float key_scale = largest / (float)LIMIT;
    // Each key's 8 codes: two quad sums, added; 8 keys to a vector (the rows past tk are zero).
    for (long j0 = 0; j0 < h->tk; j0 += 8) {
        unsigned count = (unsigned)(h->tk - j0 < 8 ? h->tk - j0 : 8);
        __m512i codes = _mm512_maskz_loadu_epi32((__mmask16)((1u << (2 * count)) - 1), h->k + 2 * j0);
        __m512i quads = _mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_set1_epi8(1), codes);
        __m512i keys = _mm512_add_epi64(quads, _mm512_srli_epi64(quads, 32));
        __m256i biases = _mm256_mullo_epi32(_mm512_cvtepi64_epi32(keys), _mm256_set1_epi32(QUERY_OFFSET));
        _mm256_mask_storeu_epi32(h->k_bias + j0, (__mmask8)((1u << count) - 1), biases);
    }
    __m256 top = feature_largest_avx512(v, h->tk, ldv), limit = _mm256_set1_ps((float)LIMIT);
    __m256 inverse = _mm256_and_ps(_mm256_cmp_ps(top, _mm256_setzero_ps(), _CMP_GT_OQ), _mm256_div_ps(limit, top));
    _mm256_storeu_ps(h->v_scale, _mm256_div_ps(top, limit));
    __m512 inverses = _mm512_castpd_ps(_mm512_broadcast_f64x4(_mm256_castps_pd(inverse))), limits = _mm512_set1_ps((float)LIMIT);
    __m512i low = _mm512_set1_epi32(0xff);
    // Keys 4g + t and 4g + 4 + t in one vector: two quads of values packed at once (64 bytes).
    long g = 0;
    for (; 4 * g + 8 <= h->tk; g += 2) {
        __m512i packed = _mm512_setzero_si512();
        for (int t = 0; t < 4; t++) {
            __m512i c = _mm512_and_si512(codes_avx512(row_pair(v + (4 * g + t) * ldv, 4 * ldv), inverses, limits), low);
            packed = _mm512_or_si512(packed, _mm512_slli_epi32(c, (unsigned)(8 * t)));
        }
        _mm512_storeu_si512(h->v + g * 8 * 4, packed);
    }
    for (; g < h->key_quads; g++) {
        __m256i packed = _mm256_setzero_si256();
        for (long t = 0; t < 4 && 4 * g + t < h->tk; t++) {
            __m256i c = _mm256_and_si256(codes_avx2(_mm256_loadu_ps(v + (4 * g + t) * ldv), inverse, limit), _mm256_set1_epi32(0xff));
            packed = _mm256_or_si256(packed, _mm256_slli_epi32(c, (int)(8 * t)));
        }
        _mm256_storeu_si256((__m256i *)(h->v + g * 8 * 4), packed);
    }
    return query_scale * key_scale;
}

/// Context rows of a block of 16 queries (lanes) on AVX512-VNNI: 8 features at a time, each a
/// sum over key quads of the block's codes times a feature's 4 value codes, then transposed to rows.
__attribute__((target("avx2,fma,avx512f,avx512bw,avx512vl,avx512vnni")))
static void context_avx512vnni(const Head *h, long i0, long count, float *context, long ldc) {
    const int32_t *values = (const int32_t *)h->v;
    __m512 factor = _mm512_div_ps(_mm512_loadu_ps(h->inverse), _mm512_set1_ps((float)LIMIT));
    long d = 0;
    for (; d + 8 <= h->hd; d += 8) {
        __m512i n[8];
        for (int f = 0; f < 8; f++) n[f] = _mm512_setzero_si512();
        for (long g = 0; g < h->key_quads; g++) {
            __m512i codes = _mm512_loadu_si512(h->p + g * QUERY_BLOCK * 4);
            for (int f = 0; f < 8; f++) n[f] = _mm512_dpbusd_epi32(n[f], codes, _mm512_set1_epi32(values[g * h->dims + d + f]));
        }
        __m512 r[8], t[8], u[8];
        for (int f = 0; f < 8; f++)
            r[f] = _mm512_mul_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(n[f]), _mm512_set1_ps(h->v_scale[d + f])), factor);
        for (int f = 0; f < 8; f += 2) {
            t[f] = _mm512_unpacklo_ps(r[f], r[f + 1]);
            t[f + 1] = _mm512_unpackhi_ps(r[f], r[f + 1]);
        }
        for (int f = 0; f < 8; f += 4) {
            u[f] = _mm512_shuffle_ps(t[f], t[f + 2], 0x44);
            u[f + 1] = _mm512_shuffle_ps(t[f], t[f + 2], 0xEE);
            u[f + 2] = _mm512_shuffle_ps(t[f + 1], t[f + 3], 0x44);
            u[f + 3] = _mm512_shuffle_ps(t[f + 1], t[f + 3], 0xEE);
        }
        // u[k] holds, in 128-bit lane L, features 0…3 of query 4L + k; u[k + 4] features 4…7.
#define STORE_LANE(L)                                                                                       \
        for (int k = 0; k < 4 && 4 * (L) + k < count; k++) {                                                \
            float *out = context + (i0 + 4 * (L) + k) * ldc + d;                                              \
            _mm_storeu_ps(out, _mm512_extractf32x4_ps(u[k], L));                                              \
            _mm_storeu_ps(out + 4, _mm512_extractf32x4_ps(u[k + 4], L));                                      \
        }
        STORE_LANE(0) STORE_LANE(1) STORE_LANE(2) STORE_LANE(3)
#undef STORE_LANE
    }
    for (; d < h->hd; d++)
        for (long b = 0; b < count; b++) {
            int32_t n = 0;
            for (long g = 0; g < h->key_quads; g++)
                for (long t = 0; t < 4; t++) n += (int32_t)h->p[(g * QUERY_BLOCK + b) * 4 + t] * h->v[(g * h->dims + d) * 4 + t];
            context[(i0 + b) * ldc + d] = ((float)n * h->v_scale[d]) * (h->inverse[b] / (float)LIMIT);
        }
}

/// The scores of a block of 16 queries (lanes) against every key, with the queries' codes held
/// in registers (`quads` a constant where inlined); returns their maximum.
__attribute__((target("avx2,fma,avx512f,avx512bw,avx512vl,avx512vnni")))
static inline __m512 block_scores_avx512vnni(Head *h, long i0, long quads) {
    __m512 factor = _mm512_set1_ps(h->score_factor), minus_infinity = _mm512_set1_ps(-INFINITY);
    __m512 maximum = minus_infinity;
    __m512i queries[quads];
    __m512i rows = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                      _mm512_set1_epi32((int)quads));
    const int *first = (const int *)(h->q + i0 * 4 * quads);
    for (long g = 0; g < quads; g++) queries[g] = _mm512_i32gather_epi32(rows, first + g, 4);
    const int32_t *keys = h->k, *bias = h->k_bias;
    const uint8_t *keep = h->keep;
    float *scores = h->scores;
    for (long j = 0; j < h->tk; j++) {
        __m512 s = minus_infinity;
        if (!keep || keep[j]) {
            __m512i n = _mm512_setzero_si512();
            for (long g = 0; g < quads; g++) n = _mm512_dpbusd_epi32(n, queries[g], _mm512_set1_epi32(keys[j * quads + g]));
            s = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(n, _mm512_set1_epi32(bias[j]))), factor);
        }
        _mm512_storeu_ps(scores + j * QUERY_BLOCK, s);
        maximum = _mm512_max_ps(maximum, s);
    }
    return maximum;
}

/// A block of 16 queries (lanes) on AVX512-VNNI.
__attribute__((target("avx2,fma,avx512f,avx512bw,avx512vl,avx512vnni")))
static void block_avx512vnni(Head *h, long i0, long count, float *weights, float *context, long ldc) {
    __m512 minus_infinity = _mm512_set1_ps(-INFINITY), maximum;
    switch (h->quads) {
    case 2: maximum = block_scores_avx512vnni(h, i0, 2); break;
    case 4: maximum = block_scores_avx512vnni(h, i0, 4); break;
    case 8: maximum = block_scores_avx512vnni(h, i0, 8); break;
    default: maximum = block_scores_avx512vnni(h, i0, h->quads);
    }
    __m512 sums[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
    __m512 limit = _mm512_set1_ps((float)LIMIT);
    __m512i low = _mm512_set1_epi32(0xff);
    int32_t *p = (int32_t *)h->p;
    for (long g = 0; g < h->key_quads; g++) {
        __m512i packed = _mm512_setzero_si512();
        for (long t = 0; t < 4 && 4 * g + t < h->tk; t++) {
            float *row = h->scores + (4 * g + t) * QUERY_BLOCK;
            __m512 s = _mm512_loadu_ps(row);
            __mmask16 live = _mm512_cmp_ps_mask(s, minus_infinity, _CMP_NEQ_UQ);
            __m512 e = _mm512_maskz_mov_ps(live, fast_exp_avx512(_mm512_sub_ps(s, maximum)));
            if (weights) _mm512_storeu_ps(row, e);
            sums[t] = _mm512_add_ps(sums[t], e);
            __m512i codes = _mm512_cvtps_epi32(_mm512_mul_ps(e, limit));
            packed = _mm512_or_si512(packed, _mm512_slli_epi32(_mm512_and_si512(codes, low), (unsigned)(8 * t)));
        }
        _mm512_storeu_si512(p + g * QUERY_BLOCK, packed);
    }
    __m512 total = _mm512_add_ps(_mm512_add_ps(sums[0], sums[1]), _mm512_add_ps(sums[2], sums[3]));
    __mmask16 live = _mm512_cmp_ps_mask(total, _mm512_setzero_ps(), _CMP_GT_OQ);
    _mm512_storeu_ps(h->inverse, _mm512_maskz_div_ps(live, _mm512_set1_ps(1.0f), total));
    if (weights) block_weights(h, i0, count, weights);
    context_avx512vnni(h, i0, count, context, ldc);
}
#endif

/// The attention path for the int8 product's `path`: its float steps also need FMA.
static int attention_path(int path) {
    if (path == CONDENSER_QGEMM_BEST) path = condenser_qgemm_best_path();
    if (!condenser_qgemm_path_available(path)) return CONDENSER_QGEMM_PORTABLE;
#if defined(__x86_64__)
    if (path != CONDENSER_QGEMM_PORTABLE && !__builtin_cpu_supports("fma")) return CONDENSER_QGEMM_PORTABLE;
    if (path == CONDENSER_QGEMM_AVX512VNNI && !__builtin_cpu_supports("avx512vl")) return CONDENSER_QGEMM_AVX2;
#endif
    return path;
}

void condenser_int8_attention(const float *q, long ldq, long tq, const float *k, long ldk, const float *v, long ldv, long tk, long hd,
                              float scale, const uint8_t *keep, float *weights, float *context, long ldc, void *scratch, int path) {
    Head h;
    layout(&h, tq, tk, hd, (uint8_t *)(((uintptr_t)scratch + 63) & ~(uintptr_t)63));
    h.keep = keep;
    clear_head(&h);
    path = attention_path(path);
#if defined(__x86_64__)
    if (path == CONDENSER_QGEMM_AVX512VNNI && hd == 8) {
        h.score_factor = quantize_head8_avx512(&h, q, ldq, k, ldk, v, ldv) * scale;
    } else if (path != CONDENSER_QGEMM_PORTABLE && hd % 8 == 0) {
        h.score_factor = quantize_head_avx2(&h, q, ldq, k, ldk, v, ldv) * scale;
    } else
#endif
    {
        h.score_factor = quantize_queries_and_keys_portable(&h, q, ldq, k, ldk) * scale;
        quantize_values_portable(&h, v, ldv);
    }
    void (*block)(Head *, long, long, float *, float *, long) = block_portable;
    long width = QUERY_BLOCK;
#if defined(__x86_64__)
    switch (path) {
    case CONDENSER_QGEMM_AVX512VNNI: block = block_avx512vnni; break;
    case CONDENSER_QGEMM_AVXVNNI: block = block_avxvnni; width = 8; break;
    case CONDENSER_QGEMM_AVX2: block = block_avx2; width = 8; break;
    default: break;
    }
#endif
    for (long i0 = 0; i0 < tq; i0 += width) block(&h, i0, tq - i0 < width ? tq - i0 : width, weights, context, ldc);
}
