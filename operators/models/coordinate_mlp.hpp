// A pointwise MLP of the input coordinates, u(x) (..., D) -> (..., C), evaluated with its
// coordinate derivatives (first, and pure second for a Laplacian) as Vars on the tape, so that
// a loss can use them: the building block of physics-informed losses and of DGNO's decoders.
//
//   x -> Linear(D, W) -> act -> [Linear(W, W) -> act] x (hidden - 1) -> Linear(W, C)
//
//   models::CoordinateMlp<float> mlp({.coordinates = 2, .width = 32, .hidden = 3}, seed);
//   auto u = mlp.forward(tape, ops::coordinate_jet(tape, x, 2));   // ops::Jet, see
//   auto r = ops::sub(tape, ops::laplacian(tape, u), f);          // coordinate_derivatives.hpp
//
// Parameters in one flat buffer, named fc<l>.weight (out, in) and fc<l>.bias, initialised as
// PyTorch's nn.Linear (uniform +-1/sqrt(fan_in)).
#pragma once

#include <cstdint>

#include "core/tensor/params.hpp"
#include "operators/coordinate_derivatives.hpp"

namespace eddyop::models {

using tensor::Index;

struct CoordinateMlpOptions {
  Index coordinates = 1;   // D
  Index width = 32;        // W
  Index hidden = 2;        // hidden layers (>= 1): hidden + 1 linear layers in all
  Index out_channels = 1;  // C
  ops::Activation activation = ops::Activation::tanh;
};

template <class T>
class CoordinateMlp {
 public:
  CoordinateMlp(const CoordinateMlpOptions& options, std::uint64_t seed);

  // u with its derivatives, from the jet of the coordinates (ops::coordinate_jet of x (..., D)).
  ops::Jet<T> forward(tensor::Tape<T>& tape, const ops::Jet<T>& x);
  // u (..., C) alone, for evaluation.
  tensor::Var<T> value(tensor::Tape<T>& tape, const tensor::Var<T>& x);

  tensor::ParameterSet<T>& parameters() { return params_; }
  const CoordinateMlpOptions& options() const { return options_; }

 private:
  CoordinateMlpOptions options_;
  tensor::ParameterSet<T> params_;
  std::vector<tensor::Var<T>> w_, b_;
};

extern template class CoordinateMlp<float>;
extern template class CoordinateMlp<double>;

}  // namespace eddyop::models
