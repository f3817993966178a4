#ifndef CONDENSER_TRANSPOSE_H
#define CONDENSER_TRANSPOSE_H

#if defined(__x86_64__)
#include <immintrin.h>

/// out[j] lane i = in[i] lane j: an 8 × 8 transpose of floats (unpack, shuffle, then swap of
/// 128-bit halves).
__attribute__((target("avx2"))) static inline void transpose8_avx2(const __m256 in[8], __m256 out[8]) {
    __m256 t[8], u[8];
    for (int r = 0; r < 8; r += 2) {
        t[r] = _mm256_unpacklo_ps(in[r], in[r + 1]);
        t[r + 1] = _mm256_unpackhi_ps(in[r], in[r + 1]);
    }
    for (int r = 0; r < 8; r += 4) {
        u[r] = _mm256_shuffle_ps(t[r], t[r + 2], 0x44);
        u[r + 1] = _mm256_shuffle_ps(t[r], t[r + 2], 0xEE);
        u[r + 2] = _mm256_shuffle_ps(t[r + 1], t[r + 3], 0x44);
        u[r + 3] = _mm256_shuffle_ps(t[r + 1], t[r + 3], 0xEE);
    }
    // u[k] holds lane k of in[0…3] in its low half and of in[4…7] in its high half (k < 4), and
    // u[k + 4] the same for lane k + 4.
    for (int k = 0; k < 4; k++) {
        out[k] = _mm256_permute2f128_ps(u[k], u[k + 4], 0x20);
        out[k + 4] = _mm256_permute2f128_ps(u[k], u[k + 4], 0x31);
    }
}
#endif

#endif
