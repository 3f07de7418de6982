#include "core/hdf5/collective.hpp"

#include <limits>

#include "core/error.hpp"
#include "core/mpi.hpp"

namespace eddyop::h5 {

void agree_or_throw(MPI_Comm comm, const std::string& path, const std::string& local_error) {
  const int rank = mpi::rank(comm);
  const int mine = local_error.empty() ? std::numeric_limits<int>::max() : rank;
  int first_failing = 0;
  MPI_Allreduce(&mine, &first_failing, 1, MPI_INT, MPI_MIN, comm);
  if (first_failing == std::numeric_limits<int>::max()) return;
  EDDYOP_CHECK(local_error.empty(), "hdf5", "'" << path << "': " << local_error);
  EDDYOP_FAIL("hdf5", "'" << path << "': rank " << first_failing
                          << " rejected its part of a collective write; see its message");
}

bool same_on_all_ranks(MPI_Comm comm, std::uint64_t hash) {
  // One reduction gives both the minimum and the maximum: max(h) = ~min(~h).
  unsigned long long local[2] = {hash, ~hash};
  unsigned long long global[2] = {0, 0};
  MPI_Allreduce(local, global, 2, MPI_UNSIGNED_LONG_LONG, MPI_MIN, comm);
  return global[0] == ~global[1];
}

}  // namespace eddyop::h5
