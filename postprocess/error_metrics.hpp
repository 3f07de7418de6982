// Error of a rollout against the truth, per step, per channel and over a horizon.
//
// Arrays are (nt, C, P): nt steps, C channels (e.g. u, v, w, p), P points per channel.
// relative L2 at step t: ||pred_t - truth_t|| / ||truth_t|| (all channels, or one channel);
// over the horizon of the first n steps: sqrt(Σ_{t<n} ||pred_t - truth_t||² / Σ_{t<n}
// ||truth_t||²); correlation: Pearson's coefficient of pred_t and truth_t (each about its own
// mean). A quantity whose denominator is zero (a truth that is identically 0, a constant field) is
// NaN.
#pragma once

#include <cstddef>
#include <limits>
#include <vector>

#include "postprocess/grid.hpp"

namespace eddyop::postprocess {

struct RolloutErrors {
  std::size_t steps = 0, channels = 0;
  std::vector<double> rel_l2;                  // (nt)
  std::vector<double> rel_l2_channel;          // (nt, C)
  std::vector<double> rel_l2_horizon;          // (nt) entry n-1: over the first n steps
  std::vector<double> rel_l2_horizon_channel;  // (nt, C)
  std::vector<double> correlation;             // (nt)
  std::vector<double> correlation_channel;     // (nt, C)
};

RolloutErrors rollout_errors(ArrayRef truth, ArrayRef prediction, std::size_t nt, std::size_t nc,
                             std::size_t npoints);

// The same, one step at a time (a trajectory read step by step).
class RolloutErrorAccumulator {
 public:
  RolloutErrorAccumulator(std::size_t nc, std::size_t npoints);
  // truth and prediction (C, P) of the next step.
  void add_step(ArrayRef truth, ArrayRef prediction);
  const RolloutErrors& result() const { return r_; }

 private:
  struct Sums {
    double n = 0, diff2 = 0, t2 = 0, st = 0, sp = 0, stt = 0, spp = 0, stp = 0;
  };
  std::size_t nc_, np_;
  std::vector<Sums> horizon_;  // (C)
  Sums horizon_all_;
  RolloutErrors r_;
};

// The first time `error` (nt) rises above `threshold`, at the sample times `times` (nt):
// interpolated linearly between the last sample at or below it and the first above it, or the
// first time when the error starts above it.
struct ThresholdCrossing {
  bool crossed = false;
  std::size_t step = 0;  // the first sample above the threshold
  double time = std::numeric_limits<double>::quiet_NaN();
};

ThresholdCrossing first_crossing(const std::vector<double>& times, const std::vector<double>& error,
                                 double threshold);

}  // namespace eddyop::postprocess
