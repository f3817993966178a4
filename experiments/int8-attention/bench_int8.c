// Times condenser_int8_attention for one head on one int8 path: queries keys width path [weights: 1 (default) or 0]
// (path: 0 best, 1 portable, 2 AVX2, 3 AVX-VNNI, 4 AVX512-VNNI; see CKernels.h).
#include "CKernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

int main(int argc, char **argv) {
    long tq = atol(argv[1]), tk = atol(argv[2]), hd = atol(argv[3]);
    int path = atoi(argv[4]), with_weights = argc > 5 ? atoi(argv[5]) : 1;
    long c = 3 * hd * 4;
    float *qkv = malloc(sizeof(float) * tk * c), *p = malloc(sizeof(float) * tq * tk), *o = malloc(sizeof(float) * tq * hd * 4);
    void *scratch = malloc((size_t)condenser_int8_attention_scratch(tq, tk, hd));
    for (long i = 0; i < tk * c; i++) qkv[i] = (float)((i * 7919) % 1000) / 500.0f - 1.0f;
    int n = 20000;
    double t = 0;
    for (int pass = 0; pass < 2; pass++) {
        t = now();
        for (int i = 0; i < (pass ? n : 1000); i++)
            condenser_int8_attention(qkv, c, tq, qkv + hd * 4, c, qkv + hd * 8, c, tk, hd, 0.35f, 0, with_weights ? p : 0,
                                     o, hd * 4, scratch, path);
        t = now() - t;
    }
    printf("%.2f us/head\n", t / n * 1e6);
}
