// Autoregressive rollout: from k true initial steps of held-out trajectories, the model predicts
// the next step, which joins the window as its newest step, and so on. A guard stops the whole
// rollout at the first predicted step where any trajectory is not finite (NaN/Inf) or has an L2
// norm above `guard_multiple` times the largest snapshot norm of the training data; it reports
// the step and the cause, and the file keeps exactly the steps before it (never a NaN).
//
// The trajectory file (kind "trajectory"): the dataset's fields with axes (trajectory, time,
// [c,] S...), the k initial steps followed by the predicted ones; the dataset's grid and physics
// copied; root attributes source_dataset, checkpoint, trajectories, initial_steps,
// predicted_steps, stopped, stop_step, stop_cause, guard_multiple, max_norm; provenance.
#pragma once

#include <mpi.h>

#include <string>
#include <vector>

#include "core/config.hpp"
#include "surrogates/dataset.hpp"
#include "surrogates/model.hpp"
#include "surrogates/normaliser.hpp"

namespace eddyop::surrogates {

// The `rollout` section of a case file.
config::Section rollout_section();

struct RolloutOptions {
  std::vector<Index> trajectories;  // sample indices of the dataset
  Index steps = 0;                  // predicted steps
  double guard_multiple = 10.0;
  double max_norm = 0;      // the training data's largest snapshot norm
  Index batch = 16;         // trajectories per forward pass
  std::string output;       // trajectory file
  std::string checkpoint;   // recorded in the file
  std::string config_yaml;  // provenance
  long long seed = 0;
};

struct RolloutResult {
  std::string path;
  Index predicted = 0;   // steps kept
  bool stopped = false;  // by the guard
  Index stop_step = -1;  // 1-based predicted step that failed
  Index stop_trajectory = -1;
  std::string cause;       // "not finite" or "norm ... above ..."
  double cost_cpu_s = 0;   // this rank's forward passes: CPU seconds
  double cost_wall_s = 0;  // and wall seconds
};

// Runs `model` (window, channels as `data`) from the first `window` steps of each trajectory.
RolloutResult rollout(Model& model, const Normaliser& in_norm, const Normaliser& out_norm,
                      Dataset& data, const RolloutOptions& options, MPI_Comm comm);

// The `rollout` stage: the model, normalisers and data settings from the checkpoint.
RolloutResult rollout(const config::Case& c, const std::string& run_dir, MPI_Comm comm);

}  // namespace eddyop::surrogates
