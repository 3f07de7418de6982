// Checkpoints: everything a run needs to continue bit for bit, and everything a rollout needs to
// run the model, in one file of our HDF5 layout (kind "checkpoint"), readable with h5py:
//
//   /fields/parameters       float32 (P)          the model's flat parameter buffer
//   /fields/exp_avg          float32 (P)          optimiser first moment
//   /fields/exp_avg_sq       float32 (P)          second moment (Adam, AdamW)
//   /fields/normaliser_{in,out}_{mean,std}  float64 (C, points or 1)
//   root attributes: model_type, model (YAML), train (YAML), dataset, inputs, outputs, window,
//     steps, spatial, in_channels, out_channels, normaliser, max_norm, valid_first, valid_count,
//     epoch (completed), step, optimizer, optimizer_step, beta1, rng, best_valid_loss, best_epoch,
//     parameter_layout (one "name (shape) at offset" per line)
//   /provenance              version, git sha, seed, the resolved case config
#pragma once

#include <string>
#include <vector>

#include "core/tensor/params.hpp"
#include "surrogates/normaliser.hpp"

namespace eddyop::surrogates {

struct Checkpoint {
  // What the model is and what data it takes.
  std::string model_type, model_yaml, train_yaml, dataset;
  std::vector<std::string> inputs, outputs;
  Index window = 1, steps = 1, in_channels = 0, out_channels = 0;
  std::vector<Index> spatial;
  Normaliser in_norm, out_norm;
  double max_norm = 0;  // largest L2 norm of one output snapshot in the training split
  Index valid_first = 0, valid_count = 0;

  // Where training stands.
  long long epoch = 0, step = 0, optimizer_step = 0, best_epoch = -1;
  std::string optimizer;
  double beta1 = 0, best_valid_loss = 0;
  std::string rng;
  std::vector<float> parameters, exp_avg, exp_avg_sq;
  std::string parameter_layout;
  std::string config_yaml;  // the resolved case, for provenance
  long long seed = 0;
};

// Writes `path` through a temporary file (rank-local: call it on one rank).
void write_checkpoint(const std::string& path, const Checkpoint& c);
Checkpoint read_checkpoint(const std::string& path);

// One "name (shape) at offset" line per parameter.
std::string parameter_layout(const tensor::ParameterSet<float>& params);

}  // namespace eddyop::surrogates
