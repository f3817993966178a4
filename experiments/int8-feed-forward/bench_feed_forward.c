// The kernels of the int8 feed-forward pass (Tensor.int8FeedForward) one by one, as that pass calls
// them: LayerNorm, input quantization, the first product with its bias, GELU's short form,
// quantization, the second product with the residual, on 1,024 rows (16 samples of 64 tokens) of
// width 32 and hidden width H (argument, default 64), in blocks of 32 rows, one thread. Prints
// each kernel's best time (µs) of 15 timings of 50 passes, and the products' GMAC/s. Run by run.sh.
#include "CKernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <time.h>

enum { ROWS = 1024, D = 32, BLOCK = 32 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/// The best of 15 timings of 50 passes of `expr`, in µs.
#define BEST(expr)                                                                                \
    ({                                                                                            \
        double best = 1e9;                                                                        \
        for (int round = 0; round < 15; round++) {                                                \
            double start = now();                                                                 \
            for (int pass = 0; pass < 50; pass++) { expr; }                                       \
            double t = (now() - start) / 50;                                                      \
            if (t < best) best = t;                                                               \
        }                                                                                         \
        best * 1e6;                                                                               \
    })

int main(int argc, char **argv) {
    long m = ROWS, d = D, h = argc > 1 ? atol(argv[1]) : 64;
    float *x = malloc(m * d * 4), *normal = malloc(m * d * 4), *statistics = malloc(2 * m * 4);
    float *weight = malloc(d * 4), *bias = malloc(d * 4), *out = malloc(m * d * 4);
    float *products = malloc(m * h * 4), *activations = malloc(m * h * 4);
    for (long i = 0; i < m * d; i++) x[i] = (float)((i * 7919) % 2001 - 1000) / 500;
    for (long i = 0; i < d; i++) { weight[i] = 1; bias[i] = 0.01f * i; }
    int8_t *w1 = malloc(h * d), *w2 = malloc(d * h);
    for (long i = 0; i < h * d; i++) { w1[i] = (int8_t)((i * 31) % 255 - 127); w2[i] = (int8_t)((i * 17) % 255 - 127); }
    int8_t *packed1 = malloc(condenser_qgemm_packed_count(h, d)), *packed2 = malloc(condenser_qgemm_packed_count(d, h));
    int32_t *sums1 = malloc(h * 4), *sums2 = malloc(d * 4);
    condenser_qgemm_pack(w1, h, d, packed1, sums1);
    condenser_qgemm_pack(w2, d, h, packed2, sums2);
    float scales[256], biases[256];
    for (int i = 0; i < 256; i++) { scales[i] = 0.01f; biases[i] = 0.1f; }
    float scale1 = 0.03f, scale2 = 0.016f;
    int32_t zero1 = 64, zero2 = 11;
    uint8_t *codes1 = malloc(m * d), *codes2 = malloc(m * h);

    double norm = BEST(for (long r = 0; r < m; r += BLOCK)
        condenser_layer_norm(x + r * d, normal + r * d, BLOCK, d, weight, bias, 1e-5f, statistics, 0));
    double quantize1 = BEST(for (long r = 0; r < m; r += BLOCK)
        condenser_quantize_rows(normal + r * d, BLOCK, d, d, &scale1, &zero1, 0, codes1 + r * d, d, 0));
    double product1 = BEST(for (long r = 0; r < m; r += BLOCK)
        condenser_qgemm(codes1 + r * d, d, BLOCK, packed1, sums1, h, d, &scale1, &zero1, 0, scales, biases, 0, 0,
                        products + r * h, h));
    double gelu = BEST(for (long r = 0; r < m; r += BLOCK)
        condenser_gelu_short(products + r * h, activations + r * h, BLOCK * h));
    double quantize2 = BEST(for (long r = 0; r < m; r += BLOCK)
        condenser_quantize_rows(activations + r * h, BLOCK, h, h, &scale2, &zero2, 0, codes2 + r * h, h, 0));
    double product2 = BEST(for (long r = 0; r < m; r += BLOCK)
        condenser_qgemm(codes2 + r * h, h, BLOCK, packed2, sums2, d, h, &scale2, &zero2, 0, scales, biases, x + r * d, d,
                        out + r * d, d));
    printf("rows %ld d %ld h %ld (µs): layernorm %.2f quantize %.2f qgemm1 %.2f gelu %.2f quantize2 %.2f qgemm2 %.2f",
           m, d, h, norm, quantize1, product1, gelu, quantize2, product2);
    printf(" total %.2f\n", norm + quantize1 + product1 + gelu + quantize2 + product2);
    printf("qgemm1 %.1f GMAC/s, qgemm2 %.1f GMAC/s\n", m * h * d / product1 / 1e3, m * h * d / product2 / 1e3);
    return 0;
}
