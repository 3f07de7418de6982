// What apps/ wires in: the case-file sections of training and rollout, and the two stages.
#pragma once

#include <string>
#include <vector>

#include "core/config.hpp"

namespace eddyop::surrogates {

// model (type, fno), train, rollout.
std::vector<config::Section> surrogate_sections();

// `eddyop train`: fits the case's model; checkpoints and metrics.jsonl under
// <run_dir>/<train.checkpoint_dir> (last.h5, best.h5). Collective over MPI_COMM_WORLD.
void run_train(const config::Case& c, const std::string& run_dir);

// `eddyop rollout`: writes <run_dir>/<rollout.output>. Collective over MPI_COMM_WORLD.
void run_rollout(const config::Case& c, const std::string& run_dir);

}  // namespace eddyop::surrogates
