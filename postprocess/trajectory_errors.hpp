// Rollout errors of every trajectory of a run against the truth, and their mean over the
// trajectories, for `eddyop evaluate` (channel and periodic box alike): which truth trajectory
// each run trajectory is compared with, the per-trajectory and mean curves, the threshold
// crossings, and how they go into metrics.json and stats.h5.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/hdf5/writer.hpp"
#include "postprocess/error_metrics.hpp"

namespace eddyop::postprocess {

// Run trajectory i is compared with truth trajectory truth_index[i]. A run that lists its dataset
// samples (root attribute `trajectories`, as a rollout writes) is matched by those: against a
// truth that lists its own, the same sample; against a dataset, that sample's index. Without a
// list, trajectory i with truth trajectory i (the first min(run, truth) of them).
struct TrajectoryPairs {
  std::vector<std::size_t> run_index, truth_index;
  std::vector<long long> ids;  // the run's sample ids (its list, or its indices)
};
TrajectoryPairs pair_trajectories(const std::string& run_path,
                                  const std::vector<long long>& run_ids, std::size_t run_count,
                                  const std::string& truth_path,
                                  const std::vector<long long>& truth_ids, std::size_t truth_count);

struct TrajectoryErrors {
  std::vector<std::string> channels;                          // (C)
  std::vector<double> time;                                   // (nt) from the first step
  TrajectoryPairs pairs;                                      // (n) trajectories compared
  std::vector<RolloutErrors> each;                            // (n) per trajectory, nt steps each
  RolloutErrors mean;                                         // each quantity averaged over the n
  std::vector<double> rel_l2_std, rel_l2_min, rel_l2_max;     // (nt) spread over the trajectories
  std::vector<ThresholdCrossing> crossing, crossing_horizon;  // (n)
  ThresholdCrossing mean_crossing, mean_crossing_horizon;     // of the mean curves
  std::size_t crossed = 0;                                    // trajectories that crossed
  double crossing_time_mean = 0.0;  // mean crossing time over those that crossed (NaN: none)
};

// Combines the per-trajectory errors (all of `time.size()` steps and the same channels).
TrajectoryErrors summarise_trajectory_errors(std::vector<RolloutErrors> each,
                                             std::vector<double> time, TrajectoryPairs pairs,
                                             std::vector<std::string> channels, double threshold);

// metrics.json's "errors": the mean's steps, at_steps, final and crossings (the keys a single
// trajectory had), plus trajectories, per_trajectory and the spread.
nlohmann::json errors_json(const TrajectoryErrors& e, double threshold,
                           const std::vector<long long>& error_steps);

// stats.h5: <prefix>error_time, _rel_l2, _horizon, _correlation, _rel_l2_channel (the mean),
// _rel_l2_std, and _rel_l2_trajectories, _horizon_trajectories (trajectory, time).
void write_errors_h5(h5::Writer& out, const std::string& prefix, const TrajectoryErrors& e);

}  // namespace eddyop::postprocess
