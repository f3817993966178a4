"""Fits the table of GELU's short form (condenser_gelu_short in Sources/CKernels/Gelu.c) and checks it.

GELU(x) = x·Φ(x) = x/2 + |x|·D(|x|) with D(a) = Φ(a) − 1/2, which levels off at 1/2 (to float32)
by a = 8. On each unit interval [i, i + 1) of [0, 8), D is a degree-5 polynomial in u = a − (i + 1/2),
fitted by least squares on Chebyshev points (close to minimax) and rounded to float32. The script
then evaluates the kernel's arithmetic in float32 (fused multiply-adds as one rounding of the
float64 result) against x·Φ(x) in float64 on 2,000,001 points of [−12, 12], and prints the C table.

usage: python3 experiments/gelu-short/fit.py
"""
import math

import numpy as np

INTERVALS, DEGREE = 8, 5
f32 = np.float32
erf = np.vectorize(math.erf)


def d(a):
    return 0.5 * erf(a / math.sqrt(2))


def fit():
    u = np.cos(np.linspace(0, np.pi, 2000)) / 2
    basis = np.vander(u, DEGREE + 1, increasing=True)
    return np.array([np.linalg.lstsq(basis, d(i + 0.5 + u), rcond=None)[0] for i in range(INTERVALS)]).astype(f32)


def fma(a, b, c):
    return (a.astype(np.float64) * b.astype(np.float64) + c.astype(np.float64)).astype(f32)


def short_gelu(x, table):
    x = x.astype(f32)
    a = np.abs(x)
    top = f32(INTERVALS) * f32(1 - 2.0**-24)
    clamped = np.minimum(a, top)
    i = clamped.astype(np.int32)
    u = clamped - (i.astype(f32) + f32(0.5))
    p = table[i, DEGREE]
    for k in range(DEGREE - 1, -1, -1):
        p = fma(p, u, table[i, k])
    p = np.where(a < f32(INTERVALS), p, f32(0.5))
    return fma(a, p, f32(0.5) * x)


table = fit()
x = np.linspace(-12, 12, 2_000_001).astype(f32)
exact = 0.5 * x.astype(np.float64) * (1 + erf(x.astype(np.float64) / math.sqrt(2)))
error = np.abs(short_gelu(x, table) - exact)
print(f"// max |short − GELU| = {error.max():.2e} at x = {x[error.argmax()]:g} (2,000,001 points of [−12, 12])")
print(f"static const float GELU_SHORT_TABLE[{DEGREE + 1}][{INTERVALS}] = {{")
for k in range(DEGREE + 1):
    values = [f"{float(c):.9g}f" for c in table[:, k]]
    print("    {" + ", ".join(values[:4]) + ",\n     " + ", ".join(values[4:]) + "},")
print("};")
