#!/bin/sh
# Times one attention head (64 queries × 64 keys, head width 8 and 16: the shipped student's and
# teacher's vision self-attention) three ways, single-threaded, on this CPU:
#   blas         OpenBLAS sgemm for Q·Kᵀ, condenser_softmax_rows, sgemm for P·V (what ships);
#   row_layout   one pass per head, query rows in groups of 8 (row_layout.c);
#   query_lanes  one pass per head, one query per vector lane (query_lanes.c).
# Run from the repository root: sh experiments/fused-attention/run.sh
set -e
here=experiments/fused-attention
include="-ISources/CKernels/include -ISources/CKernels -I$here"
out=$(mktemp -d)
for kernel in row_layout query_lanes; do
    clang -O3 $include $here/bench_fused.c $here/$kernel.c Sources/CKernels/Gelu.c -o $out/$kernel -lm
done
clang -O3 -ISources/CKernels/include $(pkg-config --cflags openblas) $here/bench_blas.c Sources/CKernels/Softmax.c \
    Sources/CKernels/Gelu.c -o $out/blas $(pkg-config --libs openblas) -lm
echo "OpenBLAS core: $(OPENBLAS_VERBOSE=2 OPENBLAS_NUM_THREADS=1 $out/blas 64 64 8 2>&1 | grep -o 'Core: [A-Za-z0-9]*')"
for width in 8 16; do
    for round in 1 2 3; do
        OPENBLAS_NUM_THREADS=1 $out/blas 64 64 $width | sed "s/^/width $width blas: /"
        for kernel in row_layout query_lanes; do
            $out/$kernel 64 64 $width 0 | sed "s/^/width $width $kernel: /"   # 0: the best vector path
        done
    done
done
rm -r $out
