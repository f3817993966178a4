#!/bin/sh
# The int8 feed-forward's kernels one by one (bench_feed_forward.c, hidden widths 64 and 96), and
# the bare AVX512-VNNI product loop in two tile shapes (tile.c), single-threaded, on this CPU.
# Run from the repository root: sh experiments/int8-feed-forward/run.sh
set -e
out=$(mktemp -d)
clang -O3 -ISources/CKernels/include -ISources/CKernels experiments/int8-feed-forward/bench_feed_forward.c \
    Sources/CKernels/*.c -o $out/feed_forward -lm
clang -O3 experiments/int8-feed-forward/tile.c -o $out/tile
for hidden in 64 96; do $out/feed_forward $hidden; done
grep -q avx512_vnni /proc/cpuinfo && $out/tile
rm -r $out
