// The bare integer loop of the int8 product's AVX512-VNNI tile, 8 rows × 32 channels (the shipped
// shape), against a 6 × 64 tile (four panels per broadcast), on about 1,020 rows × 32 inputs × 64
// outputs with no epilogue (the int32 sums stored). Prints the best of 30 timings of 200 passes and
// GMAC/s. Run by run.sh.
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { K = 32, QUADS = K / 4 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/// Row r's four codes of quad j, broadcast to 16 lanes.
__attribute__((target("avx512f"))) static inline __m512i codes(const uint8_t *a, long r, long j) {
    int32_t s;
    memcpy(&s, a + r * K + 4 * j, 4);
    return _mm512_set1_epi32(s);
}

/// 8 rows × 2 panels per tile: 16 accumulators, each broadcast feeding two vpdpbusd.
__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void tiles_8x32(const uint8_t *a, long m, const int8_t *packed, long n, int32_t *c) {
    for (long p = 0; p < n / 16; p += 2) {
        const int8_t *p0 = packed + p * QUADS * 64, *p1 = p0 + QUADS * 64;
        for (long r = 0; r + 8 <= m; r += 8) {
            __m512i acc[16];
            for (int i = 0; i < 16; i++) acc[i] = _mm512_setzero_si512();
            for (long j = 0; j < QUADS; j++) {
                __m512i w0 = _mm512_loadu_si512(p0 + j * 64), w1 = _mm512_loadu_si512(p1 + j * 64);
                for (int i = 0; i < 8; i++) {
                    __m512i x = codes(a, r + i, j);
                    acc[2 * i] = _mm512_dpbusd_epi32(acc[2 * i], x, w0);
                    acc[2 * i + 1] = _mm512_dpbusd_epi32(acc[2 * i + 1], x, w1);
                }
            }
            for (int i = 0; i < 8; i++)
                for (int q = 0; q < 2; q++) _mm512_storeu_si512(c + (r + i) * n + (p + q) * 16, acc[2 * i + q]);
        }
    }
}

/// 6 rows × 4 panels per tile: 24 accumulators, each broadcast feeding four vpdpbusd.
__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void tiles_6x64(const uint8_t *a, long m, const int8_t *packed, long n, int32_t *c) {
    for (long p = 0; p < n / 16; p += 4) {
        const int8_t *p0 = packed + p * QUADS * 64;
        for (long r = 0; r + 6 <= m; r += 6) {
            __m512i acc[24];
            for (int i = 0; i < 24; i++) acc[i] = _mm512_setzero_si512();
            for (long j = 0; j < QUADS; j++) {
                __m512i w[4];
                for (int q = 0; q < 4; q++) w[q] = _mm512_loadu_si512(p0 + q * QUADS * 64 + j * 64);
                for (int i = 0; i < 6; i++) {
                    __m512i x = codes(a, r + i, j);
                    for (int q = 0; q < 4; q++) acc[4 * i + q] = _mm512_dpbusd_epi32(acc[4 * i + q], x, w[q]);
                }
            }
            for (int i = 0; i < 6; i++)
                for (int q = 0; q < 4; q++) _mm512_storeu_si512(c + (r + i) * n + (p + q) * 16, acc[4 * i + q]);
        }
    }
}

int main(void) {
    long n = 64;
    uint8_t *a = malloc(1020 * K);
    int8_t *packed = malloc(n * K);
    int32_t *c = malloc(1020 * n * 4);
    for (long i = 0; i < 1020 * K; i++) a[i] = (uint8_t)(i * 7 % 128);
    for (long i = 0; i < n * K; i++) packed[i] = (int8_t)(i * 13);
    const char *names[] = {"8x32", "6x64"};
    long rows[] = {1016, 1020};  // whole tiles of each shape
    for (int v = 0; v < 2; v++) {
        double best = 1e9;
        for (int round = 0; round < 30; round++) {
            double start = now();
            for (int pass = 0; pass < 200; pass++) {
                if (v == 0) tiles_8x32(a, rows[v], packed, n, c);
                else tiles_6x64(a, rows[v], packed, n, c);
            }
            double t = (now() - start) / 200;
            if (t < best) best = t;
        }
        printf("%s: %.2f us, %.1f GMAC/s\n", names[v], best * 1e6, rows[v] * n * K / best / 1e9);
    }
    return 0;
}
