// The pressure Poisson equation of the projection, solved exactly for the discrete Laplacian
// (CaNS's route): real FFT in x, complex FFT in z, and one tridiagonal solve in y per wavenumber
// pair, with the modified wavenumbers λ = -(2 - 2 cos(2π l / n)) / Δ² of the 3-point Laplacian.
// Neumann in y (the wall-normal velocity is fixed, so the correction has no normal gradient); the
// mean mode, defined up to a constant, is pinned to zero on the top cell.
//
// Layouts: the right-hand side arrives as this rank's z slab (nzl, ncy, nx); after the x FFT the
// ranks exchange blocks (nonblocking messages, the own block copied directly) so that each holds
// every z for a slab of x wavenumbers (nz, ncy, nxh_l), where the z FFTs and y solves are local,
// and the way back is the mirror, with one plane more per rank (the plane above its slab). Plans
// are made once; solve() allocates nothing.
#pragma once

#include <memory>
#include <vector>

#include "solvers/channel/grid.hpp"
#include "solvers/channel/timers.hpp"

namespace eddyop::solvers::channel {

class Poisson {
 public:
  // `planner`: "estimate", "measure" or "patient" (FFTW's effort).
  Poisson(const Grid& g, const std::string& planner);
  ~Poisson();
  Poisson(const Poisson&) = delete;
  Poisson& operator=(const Poisson&) = delete;

  // Overwrites `rhs` (nzl, ncy, nx) with φ solving L φ = rhs; rhs must sum to zero over the
  // domain (weighted by the cell volumes), which a divergence does. `above`, when given, gets φ
  // on the plane just above the slab (global z0 + nzl, periodic), which comes back with the
  // transpose at the cost of one plane more. The phases are added to `times` when given.
  void solve(double* rhs /* (nzl, ncy, nx) */, double* above /* (ncy, nx) */ = nullptr,
             PhaseTimes* times = nullptr);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace eddyop::solvers::channel
