// The few MPI steps the HDF5 store needs so that all ranks of a communicator act as one.
//
// Parallel HDF5 requires every rank to make the same metadata calls with the same arguments; a
// rank that throws alone leaves the others waiting forever inside a collective call. So inputs
// are checked on every rank and the verdict is shared before any collective HDF5 call.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <string>

namespace eddyop::h5 {

// Throws eddyop::Error on every rank when `local_error` is non-empty on any rank: the failing
// rank with its own message, the others with a message naming the first failing rank. Returns
// normally on every rank otherwise.
void agree_or_throw(MPI_Comm comm, const std::string& path, const std::string& local_error);

// True on every rank when `hash` is the same on all ranks.
bool same_on_all_ranks(MPI_Comm comm, std::uint64_t hash);

}  // namespace eddyop::h5
