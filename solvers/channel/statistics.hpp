// Running statistics per y, accumulated while the solver runs (the solver keeps its own: it
// does not depend on postprocess/). Velocities are averaged to cell centres, then summed over
// x–z planes and samples; the walls' symmetry is left to the reader, so that both halves stay
// visible.
#pragma once

#include <string>
#include <vector>

#include "core/provenance.hpp"
#include "solvers/channel/solver.hpp"

namespace eddyop::solvers::channel {

class RunningStatistics {
 public:
  // Quantities per y: U, V, W, P, uu, vv, ww, uv, uw, vw (raw second moments).
  static constexpr int kQuantities = 10;

  explicit RunningStatistics(int ncy) : sums_(static_cast<std::size_t>(kQuantities) * ncy, 0.0) {}

  void accumulate(const ChannelSolver& s);  // local sums; no communication
  long samples() const { return samples_; }

  // Reduced over ranks (collective): mean profiles and Reynolds stresses per y,
  // (kQuantities, ncy) with the second moments turned into covariances <u'v'> etc.
  std::vector<double> reduce(const ChannelSolver& s) const;

  // statistics.h5: fields mean_u, mean_v, mean_w, mean_p, uu, vv, ww, uv, uw, vw (ncy), y
  // coordinate, Re_tau from the mean wall gradient, and the run's physics. Collective.
  void write(const std::string& path, const ChannelSolver& s, const Provenance& prov) const;

 private:
  std::vector<double> sums_;  // (kQuantities, ncy)
  long samples_ = 0;
};

}  // namespace eddyop::solvers::channel
