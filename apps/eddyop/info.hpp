// `eddyop info`: the versions and settings of everything eddyop runs on.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace eddyop::cli {

// (component, description) pairs, in the order printed. Needs MPI, PETSc and Kokkos up.
std::vector<std::pair<std::string, std::string>> build_info();

// A summary of an eddyop HDF5 file: kind, fields with shapes and axes, grid, physics and
// provenance. A file that is missing, not HDF5 or truncated is an eddyop::Error naming it.
std::string describe_file(const std::string& path);

}  // namespace eddyop::cli
