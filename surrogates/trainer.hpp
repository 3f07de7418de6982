// The trainer: epochs of shuffled batches, a validation pass, best and last checkpoints, exact
// resume, a progress line per epoch and metrics.jsonl. Data-parallel over the ranks of `comm`:
// each rank takes its share of every batch, and the gradients are summed over the ranks in the
// flat gradient buffer before clipping and the optimiser step, so that every rank takes the
// same step as one rank with the whole batch.
//
// One optimiser step reads as the algorithm (Trainer::step):
//   load the batch -> zero grads -> forward (unrolled over `steps`) -> loss -> backward
//   -> all-reduce -> clip -> lr from the schedule -> optimiser step
#pragma once

#include <mpi.h>

#include <string>

#include "core/config.hpp"

namespace eddyop::surrogates {

// The `train` section of a case file.
config::Section train_section();

struct TrainResult {
  long long epochs = 0;         // epochs completed, in all runs
  double first_train_loss = 0;  // this run's first and last epoch
  double last_train_loss = 0;
  double last_valid_loss = 0;
  double best_valid_loss = 0;
  std::string last_checkpoint, best_checkpoint, metrics;
};

// Trains the model of `c` (sections case, model, train) into `run_dir`.
TrainResult train(const config::Case& c, const std::string& run_dir, MPI_Comm comm);

// Resolves a path of the case: relative paths are relative to the run directory.
std::string run_path(const std::string& run_dir, const std::string& path);

}  // namespace eddyop::surrogates
