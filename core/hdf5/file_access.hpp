// How files are opened: the driver for a communicator, the transfer mode for data, and the
// opening of an existing file with a diagnosis of why it cannot be opened.
#pragma once

#include <mpi.h>

#include <string>

#include "core/hdf5/handle.hpp"

namespace eddyop::h5 {

// Files on a communicator of several ranks go through MPI-IO; on one rank, through the default
// POSIX driver, which is faster and needs no collective calls.
bool is_parallel(MPI_Comm comm);

// File access properties for `comm`.
PropertyListHandle file_access_for(MPI_Comm comm, const std::string& path);

// Data transfer properties for `comm`: collective MPI-IO when parallel, so that the ranks'
// slabs are merged into few large writes.
PropertyListHandle transfer_for(MPI_Comm comm, const std::string& path);

// Opens an existing file read-only; collective over `comm`. A failure says which of these it
// is: no such file, not an HDF5 file, or an HDF5 file cut short (an interrupted copy or write).
FileHandle open_existing(const std::string& path, MPI_Comm comm);

// Throws unless MPI is initialised: every file belongs to a communicator, even MPI_COMM_SELF.
void require_mpi(const std::string& path);

}  // namespace eddyop::h5
