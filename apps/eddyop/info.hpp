// `eddyop info`: the versions and settings of everything eddyop runs on.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace eddyop::cli {

// (component, description) pairs, in the order printed. Needs MPI, PETSc and Kokkos up.
std::vector<std::pair<std::string, std::string>> build_info();

}  // namespace eddyop::cli
