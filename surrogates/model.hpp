// The models the trainer and the rollout drive, behind one interface: forward on the tape and a
// flat parameter set. `model.type` in the case file picks one; its own nested section (model.fno,
// model.ifactformer, ...) holds its sizes, and the channel counts come from the dataset.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/tensor/params.hpp"

namespace eddyop::surrogates {

using tensor::Index;

class Model {
 public:
  virtual ~Model() = default;
  // y (B, Cout, S...) from x (B, Cin, S...), normalised units.
  virtual tensor::Var<float> forward(tensor::Tape<float>& tape, const tensor::Var<float>& x) = 0;
  virtual tensor::ParameterSet<float>& parameters() = 0;
};

// The `model` section: type, and one nested section per model type.
config::Section model_section();

// Checks the model's options against the data (spatial rank, sizes) and builds it, weights
// initialised from `seed`. `model` is the resolved model section.
std::unique_ptr<Model> make_model(const YAML::Node& model, Index in_channels, Index out_channels,
                                  const std::vector<Index>& spatial, std::uint64_t seed);

}  // namespace eddyop::surrogates
