#ifndef CONDENSER_COPENBLAS_SHIM_H
#define CONDENSER_COPENBLAS_SHIM_H
#include <cblas.h>

/// OpenBLAS's own thread-count controls (declared in its cblas.h; restated so the module map needs no other header).
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
#endif
