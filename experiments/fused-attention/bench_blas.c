// Times what ships for one head: sgemm Q·Kᵀ, condenser_softmax_rows, sgemm P·V: queries keys width.
#include "CKernels.h"
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

int main(int argc, char **argv) {
    long tq = atol(argv[1]), tk = atol(argv[2]), hd = atol(argv[3]);
    long c = 3 * hd * 4;
    float *qkv = malloc(sizeof(float) * tk * c), *p = malloc(sizeof(float) * tq * tk), *o = malloc(sizeof(float) * tq * hd * 4);
    for (long i = 0; i < tk * c; i++) qkv[i] = (float)((i * 7919) % 1000) / 500.0f - 1.0f;
    int n = 20000;
    double t = 0;
    for (int pass = 0; pass < 2; pass++) {
        t = now();
        for (int i = 0; i < (pass ? n : 1000); i++) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, tq, tk, hd, 0.35f, qkv, c, qkv + hd * 4, c, 0, p, tk);
            condenser_softmax_rows(p, p, tq, tk, 0);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, tq, hd, tk, 1, p, tk, qkv + hd * 8, c, 0, o, hd * 4);
        }
        t = now() - t;
    }
    printf("%.2f us/head\n", t / n * 1e6);
}
