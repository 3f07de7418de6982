// The case-file sections of the PDE data generators (`ns2d:`, `darcy:`, `burgers:`), and the
// solver parameters read back from a validated case. The defaults are those of the Params
// structs (the FNO benchmark settings), so that the schema and the solvers cannot disagree.
//
//   ns2d:
//     n: 64
//     nu: 1.0e-3
//     samples: 40
//     initial_field: {alpha: 2.5, tau: 7}
#pragma once

#include "core/config.hpp"
#include "solvers/pde/burgers.hpp"
#include "solvers/pde/darcy.hpp"
#include "solvers/pde/grf.hpp"
#include "solvers/pde/ns2d.hpp"

namespace eddyop::solvers {

// How many samples a dataset has and how many of them (the last ones) are for testing.
struct SampleCounts {
  long long samples = 0;
  long long test_samples = 0;
};

config::Section ns2d_section();
config::Section darcy_section();
config::Section burgers_section();

// The parameters in the case's section (the schema has checked types and ranges; the solvers'
// validate() checks the rest).
Ns2dParams ns2d_params(const config::Case& c);
DarcyParams darcy_params(const config::Case& c);
BurgersParams burgers_params(const config::Case& c);
// `solver` is "ns2d", "darcy" or "burgers"; test_samples ≤ samples is checked here.
SampleCounts sample_counts(const config::Case& c, const std::string& solver);

}  // namespace eddyop::solvers
