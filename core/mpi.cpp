#include "core/mpi.hpp"

namespace eddyop::mpi {

int rank(MPI_Comm comm) {
  int r = 0;
  MPI_Comm_rank(comm, &r);
  return r;
}

int size(MPI_Comm comm) {
  int s = 1;
  MPI_Comm_size(comm, &s);
  return s;
}

std::string broadcast_string(MPI_Comm comm, const std::string& value, int root) {
  unsigned long long n = value.size();
  MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, root, comm);
  std::string out = rank(comm) == root ? value : std::string(n, '\0');
  if (n > 0) MPI_Bcast(out.data(), static_cast<int>(n), MPI_CHAR, root, comm);
  return out;
}

}  // namespace eddyop::mpi
