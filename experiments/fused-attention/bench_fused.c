// Times condenser_attend (row_layout.c or query_lanes.c) on one head: queries keys width path [context].
// The packed [keys, 3·4·width] input mimics a self-attention projection with 4 heads.
#include "CKernels.h"
#include "attention_head.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

int main(int argc, char **argv) {
    long tq = atol(argv[1]), tk = atol(argv[2]), hd = atol(argv[3]);
    int path = atoi(argv[4]), context = argc > 5 ? atoi(argv[5]) : 1;
    long c = 3 * hd * 4;
    float *qkv = malloc(sizeof(float) * tk * c), *p = malloc(sizeof(float) * tq * tk), *o = malloc(sizeof(float) * tq * hd * 4);
    for (long i = 0; i < tk * c; i++) qkv[i] = (float)((i * 7919) % 1000) / 500.0f - 1.0f;
    condenser_attention_head h = {qkv, c, qkv + hd * 4, c, qkv + hd * 8, c, NULL, tq, tk, hd, 0.35f, p, context ? o : NULL, hd * 4};
    int n = 20000;
    for (int i = 0; i < 1000; i++) condenser_attend(&h, path);
    double t = now();
    for (int i = 0; i < n; i++) condenser_attend(&h, path);
    printf("%.2f us/head\n", (now() - t) / n * 1e6);
}
