// The `baselines` stage: the LES that the surrogates are compared with, run on the grid of the
// training data and started from the same held-out fields as the rollout.
//
// For each model of `baselines.models` (dynamic_smagorinsky, wale, ...) the channel solver runs
// on the dataset's own coarse grid (its x and z cells, its y faces: box, stretching, Re_tau and
// sampling interval from the dataset's /physics; every other setting from the case's `channel`
// section), starts from time index `baselines.start` of the held-out trajectories (those the
// rollout takes, read from the rollout file, or `baselines.trajectories`) through
// channel.initial_dataset, and records the same samples as the data from there on:
// <run>/<baselines.output>/<model>/dataset.h5 (+ statistics.h5, .xmf), which `evaluate` reads
// like any other run. The solver's cost per sampling interval is in the dataset's /physics.
#pragma once

#include <string>
#include <vector>

#include "core/config.hpp"
#include "eddyop/stages.hpp"

namespace eddyop::cli {

config::Section baselines_section();

StageResult run_baselines(const StageContext& context);

// The case each baseline runs: the case with its `channel` section set for `model` on the grid
// and from the fields of `dataset` (trajectories first .. first + count - 1 at time `start`,
// `intervals` sampling intervals on), writing into `out_dir`.
config::Case baseline_case(const config::Case& c, const std::string& model,
                           const std::string& dataset, int first, int count, int start,
                           int intervals, const std::string& out_dir);

}  // namespace eddyop::cli
