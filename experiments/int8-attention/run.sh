#!/bin/sh
# Times one attention head (64 queries × 64 keys, head width 8 and 16: the shipped student's and
# teacher's vision self-attention), single-threaded, on this CPU:
#   blas    the float attention: OpenBLAS sgemm for Q·Kᵀ, condenser_softmax_rows, sgemm for P·V;
#   int8    condenser_int8_attention on each int8 path this CPU has, with and without writing the
#           attention weights (inference that reads only the outputs leaves them out).
# Prints the fastest of seven runs of 20,000 heads each. Run from the repository root:
#   sh experiments/int8-attention/run.sh
set -e
out=$(mktemp -d)
clang -O3 -ISources/CKernels/include -ISources/CKernels experiments/int8-attention/bench_int8.c Sources/CKernels/Int8Attention.c \
    Sources/CKernels/Int8GEMM.c Sources/CKernels/Gelu.c -o $out/int8 -lm
clang -O3 -ISources/CKernels/include $(pkg-config --cflags openblas) experiments/fused-attention/bench_blas.c \
    Sources/CKernels/Softmax.c Sources/CKernels/Gelu.c -o $out/blas $(pkg-config --libs openblas) -lm
fastest() { for round in 1 2 3 4 5 6 7; do "$@"; done | sort -n | head -1; }
echo "OpenBLAS $(OPENBLAS_VERBOSE=2 OPENBLAS_NUM_THREADS=1 $out/blas 64 64 8 2>&1 | grep -o 'Core: [A-Za-z0-9]*')"
for width in 8 16; do
    echo "width $width blas: $(OPENBLAS_NUM_THREADS=1 fastest $out/blas 64 64 $width)"
    for path in 2 3 4; do   # 2 AVX2, 3 AVX-VNNI, 4 AVX512-VNNI (a path the CPU lacks runs portable code: skipped)
        name=$(case $path in 2) echo avx2;; 3) echo avx-vnni;; 4) echo avx512-vnni;; esac)
        grep -q "$(case $path in 2) echo avx2;; 3) echo avx_vnni;; 4) echo avx512_vnni;; esac)" /proc/cpuinfo || continue
        echo "width $width int8 $name: $(fastest $out/int8 64 64 $width $path 0) without weights, $(fastest $out/int8 64 64 $width $path 1) with"
    done
done
rm -r $out
