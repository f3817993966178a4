#ifndef CONDENSER_CMPI_SHIM_H
#define CONDENSER_CMPI_SHIM_H
#include <mpi.h>

/// OpenMPI's handles are macros over global objects, which Swift cannot import: these return them.
static inline MPI_Comm condenser_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype condenser_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype condenser_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Op condenser_mpi_sum(void) { return MPI_SUM; }
static inline void *condenser_mpi_in_place(void) { return MPI_IN_PLACE; }
#endif
