#include "CKernels.h"
#include <math.h>
#include <string.h>

// Integer products of unsigned 7-bit input codes (0…127) and int8 weights, on the best path the
// CPU has, chosen at run time:
// - AVX512-VNNI: vpdpbusd on 16 channels at once, four products summed straight into int32;
// - AVX-VNNI: the same instruction on 8 channels (VEX-encoded, on CPUs with AVX-VNNI);
// - AVX2: vpmaddubsw, two products summed into an int16 that cannot saturate (2·127·128 < 2¹⁵),
//   then vpmaddwd by ones into int32;
// - portable C.
// Every path's sums are exact while k·127·128 < 2³¹. The float epilogue is the same on every path,
// y = fma(float(sum − zero point · Σw), row scale · channel scale, bias) (+ residual), with no other
// contraction, so all paths give bit-identical results.
#pragma clang fp contract(off)

enum { PANEL = 16, ROWS = 6, ROW_BLOCK = 60 };

static long quad_count(long k) { return (k + 3) / 4; }

long condenser_qgemm_packed_count(long n, long k) {
    return (n + PANEL - 1) / PANEL * PANEL * 4 * quad_count(k);
}

void condenser_qgemm_pack(const int8_t *w, long n, long k, int8_t *packed, int32_t *column_sums) {
    long quads = quad_count(k), panels = (n + PANEL - 1) / PANEL;
    for (long p = 0; p < panels; p++)
        for (long j = 0; j < quads; j++)
            for (long c = 0; c < PANEL; c++)
                for (long t = 0; t < 4; t++) {
                    long row = p * PANEL + c, col = 4 * j + t;
                    packed[((p * quads + j) * PANEL + c) * 4 + t] = (row < n && col < k) ? w[row * k + col] : 0;
                }
    for (long row = 0; row < n; row++) {
        int32_t total = 0;
        for (long col = 0; col < k; col++) total += w[row * k + col];
        column_sums[row] = total;
    }
}

/// Where a tile of accumulators goes: raw int32 sums, or zero-point-corrected, scaled floats plus
/// bias, plus a residual.
typedef struct {
    int32_t *raw;
    float *c;
    long ldc;
    const int32_t *column_sums;
    const float *row_scale;
    const int32_t *row_zero_point;
    long row_stride;
    const float *col_scale;
    const float *bias;
    const float *residual;
    long ldr;
} Output;

/// Stores row `row` (columns col0 ..< col0 + count) of a tile from its 16 accumulators.
static inline void store_row(const Output *out, long row, long col0, long count, const int32_t acc[PANEL]) {
    if (out->raw) {
        memcpy(out->raw + row * out->ldc + col0, acc, (size_t)count * sizeof(int32_t));
        return;
    }
    float rs = out->row_scale[row * out->row_stride];
    int32_t zp = out->row_zero_point[row * out->row_stride];
    float *c = out->c + row * out->ldc + col0;
    for (long j = 0; j < count; j++) {
        float v = fmaf((float)(acc[j] - zp * out->column_sums[col0 + j]), rs * out->col_scale[col0 + j],
                       out->bias ? out->bias[col0 + j] : 0.0f);
        c[j] = out->residual ? v + out->residual[row * out->ldr + col0 + j] : v;
    }
}

// MARK: portable

static void tile_portable(const uint8_t *a, long lda, long rows, const int8_t *panel, long quads,
                          const Output *out, long row0, long col0, long count) {
    for (long r = 0; r < rows; r++) {
        int32_t acc[PANEL] = {0};
        const uint8_t *ar = a + (row0 + r) * lda;
        for (long j = 0; j < quads; j++) {
            const int8_t *w = panel + j * PANEL * 4;
            for (long c = 0; c < PANEL; c++)
                for (long t = 0; t < 4; t++) acc[c] += (int32_t)ar[4 * j + t] * w[4 * c + t];
        }
        store_row(out, row0 + r, col0, count, acc);
    }
}

#define QGEMM_DRIVER(tile)                                                                        \
    long quads = quad_count(k), panels = (n + PANEL - 1) / PANEL;                                 \
    for (long rb = 0; rb < m; rb += ROW_BLOCK) {                                                  \
        long rend = rb + ROW_BLOCK < m ? rb + ROW_BLOCK : m;                                      \
        for (long p = 0; p < panels; p++) {                                                       \
            const int8_t *panel = packed + p * quads * PANEL * 4;                                 \
            long col0 = p * PANEL, count = n - col0 < PANEL ? n - col0 : PANEL;                   \
            for (long r = rb; r < rend; r += ROWS) {                                              \
                long rows = rend - r < ROWS ? rend - r : ROWS;                                    \
                tile(a, lda, rows, panel, quads, out, r, col0, count);                            \
            }                                                                                     \
        }                                                                                         \
    }

static void qgemm_portable(const uint8_t *a, long lda, long m, const int8_t *packed, long n, long k, const Output *out) {
    QGEMM_DRIVER(tile_portable)
}

// MARK: AVX2

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2,fma")))
static inline void store_tile_avx2(const Output *out, long row, long col0, long count, __m256i lo, __m256i hi) {
    if (count == PANEL && !out->raw) {
        __m256i zp = _mm256_set1_epi32(out->row_zero_point[row * out->row_stride]);
        lo = _mm256_sub_epi32(lo, _mm256_mullo_epi32(zp, _mm256_loadu_si256((const __m256i *)(out->column_sums + col0))));
        hi = _mm256_sub_epi32(hi, _mm256_mullo_epi32(zp, _mm256_loadu_si256((const __m256i *)(out->column_sums + col0 + 8))));
        __m256 rs = _mm256_set1_ps(out->row_scale[row * out->row_stride]);
        const float *cs = out->col_scale + col0;
        float *c = out->c + row * out->ldc + col0;
        __m256 b0 = out->bias ? _mm256_loadu_ps(out->bias + col0) : _mm256_setzero_ps();
        __m256 b1 = out->bias ? _mm256_loadu_ps(out->bias + col0 + 8) : _mm256_setzero_ps();
        __m256 v0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(lo), _mm256_mul_ps(rs, _mm256_loadu_ps(cs)), b0);
        __m256 v1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(hi), _mm256_mul_ps(rs, _mm256_loadu_ps(cs + 8)), b1);
        if (out->residual) {
            const float *r = out->residual + row * out->ldr + col0;
            v0 = _mm256_add_ps(v0, _mm256_loadu_ps(r));
            v1 = _mm256_add_ps(v1, _mm256_loadu_ps(r + 8));
        }
        _mm256_storeu_ps(c, v0);
        _mm256_storeu_ps(c + 8, v1);
        return;
    }
    int32_t acc[PANEL];
    _mm256_storeu_si256((__m256i *)acc, lo);
    _mm256_storeu_si256((__m256i *)(acc + 8), hi);
    store_row(out, row, col0, count, acc);
}

// MARK: AVX512-VNNI

enum { ROWS512 = 8 };

/// Stores a row's 16 sums (columns col0 ..< col0 + count): the AVX2 epilogue's float operations in
/// the same order, on 16 lanes at once.
__attribute__((target("avx2,fma,avx512f,avx512bw,avx512vnni")))
static inline void store_row_avx512(const Output *out, long row, long col0, long count, __m512i acc) {
    if (count == PANEL && !out->raw) {
        __m512i zp = _mm512_set1_epi32(out->row_zero_point[row * out->row_stride]);
        acc = _mm512_sub_epi32(acc, _mm512_mullo_epi32(zp, _mm512_loadu_si512((const void *)(out->column_sums + col0))));
        __m512 scale = _mm512_mul_ps(_mm512_set1_ps(out->row_scale[row * out->row_stride]), _mm512_loadu_ps(out->col_scale + col0));
        __m512 v = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc), scale,
                                   out->bias ? _mm512_loadu_ps(out->bias + col0) : _mm512_setzero_ps());
        if (out->residual) v = _mm512_add_ps(v, _mm512_loadu_ps(out->residual + row * out->ldr + col0));
        _mm512_storeu_ps(out->c + row * out->ldc + col0, v);
        return;
    }
    int32_t sums[PANEL];
    _mm512_storeu_si512((void *)sums, acc);
    store_row(out, row, col0, count, sums);
}

/// Rows row0 ..< row0 + 8 against two panels (32 channels): per quad of k, each panel's 16
/// channels × 4 weights fill one zmm, and vpdpbusd adds each row's four codes (broadcast) times
/// it to the row's 16 int32 sums.
__attribute__((target("avx2,fma,avx512f,avx512bw,avx512vnni")))
static void tile_avx512vnni(const uint8_t *a, long lda, const int8_t *panel0, const int8_t *panel1, long quads,
                            const Output *out, long row0, long col0, long count0, long count1) {
    const uint8_t *r = a + row0 * lda;
    __m512i c00 = _mm512_setzero_si512(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    __m512i c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
#define ROW_VNNI(i, lo, hi)                                                                       \
    {                                                                                             \
        int32_t s;                                                                                \
        memcpy(&s, r + (i) * lda + 4 * j, 4);                                                     \
        __m512i x = _mm512_set1_epi32(s);                                                         \
        lo = _mm512_dpbusd_epi32(lo, x, w0);                                                      \
        hi = _mm512_dpbusd_epi32(hi, x, w1);                                                      \
    }
    for (long j = 0; j < quads; j++) {
        __m512i w0 = _mm512_loadu_si512((const void *)(panel0 + j * 64));
        __m512i w1 = _mm512_loadu_si512((const void *)(panel1 + j * 64));
        ROW_VNNI(0, c00, c01) ROW_VNNI(1, c10, c11) ROW_VNNI(2, c20, c21) ROW_VNNI(3, c30, c31)
        ROW_VNNI(4, c40, c41) ROW_VNNI(5, c50, c51) ROW_VNNI(6, c60, c61) ROW_VNNI(7, c70, c71)
    }
#undef ROW_VNNI
    __m512i lo[ROWS512] = {c00, c10, c20, c30, c40, c50, c60, c70}, hi[ROWS512] = {c01, c11, c21, c31, c41, c51, c61, c71};
    if (!out->raw && out->row_stride == 0 && count0 == PANEL && count1 == PANEL) {
        // One scale and zero point for every row (static inputs): the zero-point correction, the
        // scales and the bias are formed once per tile; the float operations are store_row_avx512's.
        __m512i zp = _mm512_set1_epi32(out->row_zero_point[0]);
        __m512i z0 = _mm512_mullo_epi32(zp, _mm512_loadu_si512((const void *)(out->column_sums + col0)));
        __m512i z1 = _mm512_mullo_epi32(zp, _mm512_loadu_si512((const void *)(out->column_sums + col0 + PANEL)));
        __m512 rs = _mm512_set1_ps(out->row_scale[0]);
        __m512 s0 = _mm512_mul_ps(rs, _mm512_loadu_ps(out->col_scale + col0));
        __m512 s1 = _mm512_mul_ps(rs, _mm512_loadu_ps(out->col_scale + col0 + PANEL));
        __m512 b0 = out->bias ? _mm512_loadu_ps(out->bias + col0) : _mm512_setzero_ps();
        __m512 b1 = out->bias ? _mm512_loadu_ps(out->bias + col0 + PANEL) : _mm512_setzero_ps();
        for (long i = 0; i < ROWS512; i++) {
            __m512 v0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(lo[i], z0)), s0, b0);
            __m512 v1 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(hi[i], z1)), s1, b1);
            if (out->residual) {
                const float *r = out->residual + (row0 + i) * out->ldr + col0;
                v0 = _mm512_add_ps(v0, _mm512_loadu_ps(r));
                v1 = _mm512_add_ps(v1, _mm512_loadu_ps(r + PANEL));
            }
            float *c = out->c + (row0 + i) * out->ldc + col0;
            _mm512_storeu_ps(c, v0);
            _mm512_storeu_ps(c + PANEL, v1);
        }
        return;
    }
    for (long i = 0; i < ROWS512; i++) {
        store_row_avx512(out, row0 + i, col0, count0, lo[i]);
        if (count1 > 0) store_row_avx512(out, row0 + i, col0 + PANEL, count1, hi[i]);
    }
}

/// One row against one panel (the rows and panel left over by the 8 × 32 tiles).
__attribute__((target("avx2,fma,avx512f,avx512bw,avx512vnni")))
static void row_avx512vnni(const uint8_t *ar, const int8_t *panel, long quads, const Output *out, long row, long col0, long count) {
    __m512i acc = _mm512_setzero_si512();
    for (long j = 0; j < quads; j++) {
        int32_t s;
        memcpy(&s, ar + 4 * j, 4);
        acc = _mm512_dpbusd_epi32(acc, _mm512_set1_epi32(s), _mm512_loadu_si512((const void *)(panel + j * 64)));
    }
    store_row_avx512(out, row, col0, count, acc);
}

__attribute__((target("avx2,fma,avx512f,avx512bw,avx512vnni")))
static void qgemm_avx512vnni(const uint8_t *a, long lda, long m, const int8_t *packed, long n, long k, const Output *out) {
    long quads = quad_count(k), panels = (n + PANEL - 1) / PANEL, block = ROWS512 * 8;
    for (long rb = 0; rb < m; rb += block) {
        long rend = rb + block < m ? rb + block : m;
        for (long p = 0; p < panels; p += 2) {
            const int8_t *panel0 = packed + p * quads * PANEL * 4;
            long col0 = p * PANEL, count0 = n - col0 < PANEL ? n - col0 : PANEL;
            long count1 = p + 1 < panels ? (n - col0 - PANEL < PANEL ? n - col0 - PANEL : PANEL) : 0;
            long r = rb;
            if (count1 > 0)
                for (; r + ROWS512 <= rend; r += ROWS512)
                    tile_avx512vnni(a, lda, panel0, panel0 + quads * PANEL * 4, quads, out, r, col0, count0, count1);
            for (; r < rend; r++) {
                row_avx512vnni(a + r * lda, panel0, quads, out, r, col0, count0);
                if (count1 > 0) row_avx512vnni(a + r * lda, panel0 + quads * PANEL * 4, quads, out, r, col0 + PANEL, count1);
            }
        }
    }
}

/// Adds one row's four codes (broadcast) times a panel quad's two weight vectors to (lo, hi).
#define MULTIPLY_ADD(ar, lo, hi)                                                                  \
    {                                                                                             \
        int32_t s;                                                                                \
        memcpy(&s, (ar) + 4 * j, 4);                                                              \
        __m256i x = _mm256_set1_epi32(s);                                                         \
        lo = _mm256_add_epi32(lo, _mm256_madd_epi16(_mm256_maddubs_epi16(x, w0), ones));          \
        hi = _mm256_add_epi32(hi, _mm256_madd_epi16(_mm256_maddubs_epi16(x, w1), ones));          \
    }

/// The body of a 256-bit tile of `rows` ≤ 6 rows × 16 columns: per quad of k, broadcast each row's
/// four codes and multiply-add them (MULTIPLY) against the panel's two vectors of 8 channels × 4 weights.
#define TILE_256_BODY(MULTIPLY)                                                                   \
    const uint8_t *a0 = a + row0 * lda;                                                           \
    if (rows == ROWS) {                                                                           \
        const uint8_t *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda, *a4 = a3 + lda, *a5 = a4 + lda; \
        __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00; \
        __m256i c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;                 \
        for (long j = 0; j < quads; j++) {                                                        \
            __m256i w0 = _mm256_loadu_si256((const __m256i *)(panel + j * 64));                   \
            __m256i w1 = _mm256_loadu_si256((const __m256i *)(panel + j * 64 + 32));              \
            MULTIPLY(a0, c00, c01) MULTIPLY(a1, c10, c11) MULTIPLY(a2, c20, c21)                  \
            MULTIPLY(a3, c30, c31) MULTIPLY(a4, c40, c41) MULTIPLY(a5, c50, c51)                  \
        }                                                                                         \
        store_tile_avx2(out, row0, col0, count, c00, c01);                                        \
        store_tile_avx2(out, row0 + 1, col0, count, c10, c11);                                    \
        store_tile_avx2(out, row0 + 2, col0, count, c20, c21);                                    \
        store_tile_avx2(out, row0 + 3, col0, count, c30, c31);                                    \
        store_tile_avx2(out, row0 + 4, col0, count, c40, c41);                                    \
        store_tile_avx2(out, row0 + 5, col0, count, c50, c51);                                    \
        return;                                                                                   \
    }                                                                                             \
    for (long r = 0; r < rows; r++) {                                                             \
        const uint8_t *ar = a0 + r * lda;                                                         \
        __m256i lo = _mm256_setzero_si256(), hi = lo;                                             \
        for (long j = 0; j < quads; j++) {                                                        \
            __m256i w0 = _mm256_loadu_si256((const __m256i *)(panel + j * 64));                   \
            __m256i w1 = _mm256_loadu_si256((const __m256i *)(panel + j * 64 + 32));              \
            MULTIPLY(ar, lo, hi)                                                                  \
        }                                                                                         \
        store_tile_avx2(out, row0 + r, col0, count, lo, hi);                                      \
    }

/// One tile on AVX2: vpmaddubsw, vpmaddwd by ones and vpaddd per product quad.
__attribute__((target("avx2,fma")))
static void tile_avx2(const uint8_t *a, long lda, long rows, const int8_t *panel, long quads,
                      const Output *out, long row0, long col0, long count) {
    const __m256i ones = _mm256_set1_epi16(1);
    TILE_256_BODY(MULTIPLY_ADD)
}

/// Adds one row's four codes (broadcast) times a panel quad's two weight vectors to (lo, hi) with
/// vpdpbusd, which sums the four products straight into int32.
#define MULTIPLY_ADD_VNNI(ar, lo, hi)                                                             \
    {                                                                                             \
        int32_t s;                                                                                \
        memcpy(&s, (ar) + 4 * j, 4);                                                              \
        __m256i x = _mm256_set1_epi32(s);                                                         \
        lo = _mm256_dpbusd_avx_epi32(lo, x, w0);                                                  \
        hi = _mm256_dpbusd_avx_epi32(hi, x, w1);                                                  \
    }

/// One tile on AVX-VNNI: the AVX2 tile with vpdpbusd.
__attribute__((target("avx2,fma,avxvnni")))
static void tile_avxvnni(const uint8_t *a, long lda, long rows, const int8_t *panel, long quads,
                         const Output *out, long row0, long col0, long count) {
    TILE_256_BODY(MULTIPLY_ADD_VNNI)
}

__attribute__((target("avx2,fma,avxvnni")))
static void qgemm_avxvnni(const uint8_t *a, long lda, long m, const int8_t *packed, long n, long k, const Output *out) {
    QGEMM_DRIVER(tile_avxvnni)
}

__attribute__((target("avx2,fma")))
static void qgemm_avx2(const uint8_t *a, long lda, long m, const int8_t *packed, long n, long k, const Output *out) {
    QGEMM_DRIVER(tile_avx2)
}
#endif

static int use_avx2(void) {
#if defined(__x86_64__)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

int condenser_qgemm_path_available(int path) {
    switch (path) {
    case CONDENSER_QGEMM_BEST: case CONDENSER_QGEMM_PORTABLE: return 1;
#if defined(__x86_64__)
    case CONDENSER_QGEMM_AVX2: return use_avx2();
    case CONDENSER_QGEMM_AVXVNNI: return use_avx2() && __builtin_cpu_supports("avxvnni");
    case CONDENSER_QGEMM_AVX512VNNI:
        return use_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
            && __builtin_cpu_supports("avx512vnni");
#endif
    default: return 0;
    }
}

/// The path BEST stands for: -1 until first asked, then the best available or the one selected.
static int chosen = -1;

int condenser_qgemm_best_path(void) {
    if (chosen < 0) {
        int order[] = {CONDENSER_QGEMM_AVX512VNNI, CONDENSER_QGEMM_AVXVNNI, CONDENSER_QGEMM_AVX2};
        int best = CONDENSER_QGEMM_PORTABLE;
        for (int i = 0; i < 3; i++)
            if (condenser_qgemm_path_available(order[i])) { best = order[i]; break; }
        chosen = best;
    }
    return chosen;
}

int condenser_qgemm_select(int path) {
    if (path == CONDENSER_QGEMM_BEST) { chosen = -1; return 1; }
    if (!condenser_qgemm_path_available(path)) return 0;
    chosen = path;
    return 1;
}

const char *condenser_qgemm_path_name(int path) {
    switch (path == CONDENSER_QGEMM_BEST ? condenser_qgemm_best_path() : path) {
    case CONDENSER_QGEMM_AVX2: return "avx2";
    case CONDENSER_QGEMM_AVXVNNI: return "avx-vnni";
    case CONDENSER_QGEMM_AVX512VNNI: return "avx512-vnni";
    default: return "portable";
    }
}

/// Runs the product on `path` (BEST: the best the CPU has; a path it lacks falls back to portable).
static void qgemm(int path, const uint8_t *a, long lda, long m, const int8_t *packed, long n, long k, const Output *out) {
    if (path == CONDENSER_QGEMM_BEST) path = condenser_qgemm_best_path();
    if (!condenser_qgemm_path_available(path)) path = CONDENSER_QGEMM_PORTABLE;
    switch (path) {
#if defined(__x86_64__)
    case CONDENSER_QGEMM_AVX512VNNI: qgemm_avx512vnni(a, lda, m, packed, n, k, out); return;
    case CONDENSER_QGEMM_AVXVNNI: qgemm_avxvnni(a, lda, m, packed, n, k, out); return;
    case CONDENSER_QGEMM_AVX2: qgemm_avx2(a, lda, m, packed, n, k, out); return;
#endif
    default: qgemm_portable(a, lda, m, packed, n, k, out);
    }
}

void condenser_qgemm(const uint8_t *a, long lda, long m, const int8_t *packed, const int32_t *column_sums, long n, long k,
                     const float *row_scale, const int32_t *row_zero_point, long row_stride,
                     const float *col_scale, const float *bias, const float *residual, long ldr, float *c, long ldc) {
    condenser_qgemm_on(CONDENSER_QGEMM_BEST, a, lda, m, packed, column_sums, n, k, row_scale, row_zero_point, row_stride,
                       col_scale, bias, residual, ldr, c, ldc);
}

void condenser_qgemm_on(int path, const uint8_t *a, long lda, long m, const int8_t *packed, const int32_t *column_sums,
                        long n, long k, const float *row_scale, const int32_t *row_zero_point, long row_stride,
                        const float *col_scale, const float *bias, const float *residual, long ldr, float *c, long ldc) {
    Output out = {0, c, ldc, column_sums, row_scale, row_zero_point, row_stride, col_scale, bias, residual, ldr};
    qgemm(path, a, lda, m, packed, n, k, &out);
}

void condenser_qgemm_int32(const uint8_t *a, long lda, long m, const int8_t *packed, long n, long k,
                           int32_t *c, long ldc, int path) {
    Output out = {c, 0, ldc, 0, 0, 0, 0, 0, 0, 0, 0};
    qgemm(path, a, lda, m, packed, n, k, &out);
}

// MARK: input quantization

/// q = clamp(round(x · inverse_scale), −zp, 127 − zp) + zp, rounding to nearest even; the row is
/// zero-padded to `ldq`.
static void quantize_row_portable(const float *x, long k, float inverse_scale, int32_t zp, uint8_t *q, long ldq) {
    float low = (float)-zp, high = (float)(127 - zp);
    for (long i = 0; i < k; i++) {
        float v = x[i] * inverse_scale;
        v = v < low ? low : (v > high ? high : v);
        q[i] = (uint8_t)((int32_t)nearbyintf(v) + zp);
    }
    for (long i = k; i < ldq; i++) q[i] = 0;
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static void quantize_row_avx2(const float *x, long k, float inverse_scale, int32_t zp, uint8_t *q, long ldq) {
    __m256 s = _mm256_set1_ps(inverse_scale);
    __m256 lo = _mm256_set1_ps((float)-zp), hi = _mm256_set1_ps((float)(127 - zp));
    __m256i z = _mm256_set1_epi32(zp);
    // packs and packus interleave their 128-bit halves; this puts the 32 codes back in order.
    __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    long i = 0;
    for (; i + 32 <= k; i += 32) {
        __m256i v[4];
        for (int g = 0; g < 4; g++) {
            __m256 f = _mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(_mm256_loadu_ps(x + i + 8 * g), s), lo), hi);
            v[g] = _mm256_add_epi32(_mm256_cvtps_epi32(f), z);
        }
        __m256i bytes = _mm256_packus_epi16(_mm256_packs_epi32(v[0], v[1]), _mm256_packs_epi32(v[2], v[3]));
        _mm256_storeu_si256((__m256i *)(q + i), _mm256_permutevar8x32_epi32(bytes, order));
    }
    quantize_row_portable(x + i, k - i, inverse_scale, zp, q + i, ldq - i);
}
#endif

/// The AVX2 row quantizer's operations (the same max and min order, conversion with the current
/// rounding) on 16 lanes; codes 0…127 narrow to bytes exactly.
__attribute__((target("avx2,avx512f,avx512bw")))
static void quantize_row_avx512(const float *x, long k, float inverse_scale, int32_t zp, uint8_t *q, long ldq) {
    __m512 s = _mm512_set1_ps(inverse_scale);
    __m512 lo = _mm512_set1_ps((float)-zp), hi = _mm512_set1_ps((float)(127 - zp));
    __m512i z = _mm512_set1_epi32(zp);
    long i = 0;
    for (; i + 16 <= k; i += 16) {
        __m512 f = _mm512_min_ps(_mm512_max_ps(_mm512_mul_ps(_mm512_loadu_ps(x + i), s), lo), hi);
        _mm_storeu_si128((__m128i *)(q + i), _mm512_cvtepi32_epi8(_mm512_add_epi32(_mm512_cvtps_epi32(f), z)));
    }
    quantize_row_portable(x + i, k - i, inverse_scale, zp, q + i, ldq - i);
}

void condenser_quantize_rows(const float *x, long m, long k, long ldx, const float *scale, const int32_t *zero_point,
                             long stride, uint8_t *q, long ldq, int path) {
    // The product's path decides the quantizer's: 16 lanes with AVX512-VNNI, 8 with AVX2 or AVX-VNNI.
    if (path == CONDENSER_QGEMM_BEST) path = condenser_qgemm_best_path();
    if (!condenser_qgemm_path_available(path)) path = CONDENSER_QGEMM_PORTABLE;
    // One scale for contiguous, unpadded rows: they are one long row (the same codes, fewer calls).
    if (stride == 0 && ldx == k && ldq == k) { k *= m; ldx = ldq = k; m = 1; }
    for (long r = 0; r < m; r++) {
        float inverse = 1.0f / scale[r * stride];
        int32_t zp = zero_point[r * stride];
#if defined(__x86_64__)
        if (path == CONDENSER_QGEMM_AVX512VNNI) { quantize_row_avx512(x + r * ldx, k, inverse, zp, q + r * ldq, ldq); continue; }
        if (path != CONDENSER_QGEMM_PORTABLE) { quantize_row_avx2(x + r * ldx, k, inverse, zp, q + r * ldq, ldq); continue; }
#endif
        quantize_row_portable(x + r * ldx, k, inverse, zp, q + r * ldq, ldq);
    }
}
