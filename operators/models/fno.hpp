// The Fourier neural operator (Li et al., 2020) in its original configuration, 1D to 3D:
//
//   x (B, Cin, S...) ++ grid coordinates in [0, 1]   -> 1x1 lifting to width W
//   [zero padding after each spatial axis, for non-periodic problems]
//   L x Fourier layer: h = SpectralConv(h) + Conv1x1(h); GELU after all but the last
//   [crop the padding] -> 1x1 W -> P (128) -> GELU -> 1x1 P -> Cout
//
// Channel-first in and out: x (B, Cin, S...), y (B, Cout, S...). All parameters live in one
// flat buffer (parameters()), named as in the PyTorch reference: fc0, conv<l>, w<l>, fc1, fc2;
// conv<l>.weights holds the spectral weights in ops::spectral_conv's layout.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "core/config.hpp"
#include "core/tensor/params.hpp"

namespace eddyop::models {

using tensor::Index;

struct FnoOptions {
  Index in_channels = 1;  // data channels; the grid's d coordinates are appended
  Index out_channels = 1;
  std::vector<Index> modes;  // kept Fourier modes per spatial axis (1 to 3 axes)
  Index width = 32;
  Index layers = 4;
  Index projection = 128;
  Index padding = 0;  // zero points appended to every spatial axis (0: periodic)
};

// The `model.fno` section of a case file (modes, width, layers, projection, padding).
config::Section fno_section();
// Options from a resolved fno section; the channel counts come from the dataset.
FnoOptions fno_options(const YAML::Node& section, Index in_channels, Index out_channels);

template <class T>
class Fno {
 public:
  // Checks the options, declares and allocates the parameters, and initialises them as PyTorch
  // does (uniform +-1/sqrt(fan_in); spectral weights uniform in [0, 1/W^2)) from `seed`.
  Fno(const FnoOptions& options, std::uint64_t seed);

  // y (B, Cout, S...) from x (B, Cin, S...). Every spatial size must exceed 2 modes (first axes)
  // or 2 (modes - 1) (last axis) once padded.
  tensor::Var<T> forward(tensor::Tape<T>& tape, const tensor::Var<T>& x);

  tensor::ParameterSet<T>& parameters() { return params_; }
  const FnoOptions& options() const { return options_; }

 private:
  const tensor::TensorT<T>& grid(const tensor::Shape& shape);  // (B, d, S...), cached

  FnoOptions options_;
  tensor::ParameterSet<T> params_;
  tensor::Var<T> fc0_w_, fc0_b_, fc1_w_, fc1_b_, fc2_w_, fc2_b_;
  std::vector<tensor::Var<T>> spectral_w_, skip_w_, skip_b_;
  std::map<std::vector<Index>, tensor::TensorT<T>> grids_;
};

extern template class Fno<float>;
extern template class Fno<double>;

}  // namespace eddyop::models
