// Small MPI helpers shared by the components (the rest is plain MPI, or PETSc's).
#pragma once

#include <mpi.h>

#include <string>

namespace eddyop::mpi {

int rank(MPI_Comm comm = MPI_COMM_WORLD);
int size(MPI_Comm comm = MPI_COMM_WORLD);

// `value` as rank `root` has it, on every rank.
std::string broadcast_string(MPI_Comm comm, const std::string& value, int root = 0);

}  // namespace eddyop::mpi
