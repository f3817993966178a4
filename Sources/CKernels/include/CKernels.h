#ifndef CONDENSER_CKERNELS_H
#define CONDENSER_CKERNELS_H

/// GELU (exact erf form) of n floats: y[i] = x·Φ(x); when derivative is not NULL also
/// derivative[i] = Φ(x) + x·φ(x). Uses AVX2 when the CPU has it (checked once at run time) and
/// portable code otherwise; both give bit-identical results (no FMA contraction).
void condenser_gelu(const float *x, float *y, float *derivative, long n);

/// The portable path of `condenser_gelu` on every CPU (for tests of their agreement).
void condenser_gelu_portable(const float *x, float *y, float *derivative, long n);

#endif
