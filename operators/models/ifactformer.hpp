// The implicit factorized transformer (IFactFormer, arXiv 2412.18840) for 3-D fields, in its two
// variants, as ../shared/models/ifactformer.md describes the authors' later code:
//
//   x (B, Cin, X, Y, Z) -> grouped 1x1 (Cin -> lift, groups Cin) -> GELU -> 1x1 lift -> dim
//   h += Linear([sin f, cos f]), f = 2 pi P Bg: random Fourier features of the physical grid P
//   repeat `iterations` times with ONE shared block:  h = h + FA(h) / iterations
//   1x1 dim -> out_hidden -> GELU -> 1x1 out_hidden -> Cout        y (B, Cout, X, Y, Z)
//
// FA: per axis a, the field is pooled over the other two axes (pooling is linear, so before the
// projection), LayerNorm, GeGLU MLP, q and k with rotary embeddings along the axis, and the
// un-normalised kernel K_a = q k^T (B, H, n_a, n_a). IFactFormer-m applies the three kernels to
// the values in parallel and concatenates (3 H dim_head channels); IFactFormer-o chains them
// (H dim_head channels). Then InstanceNorm (eps 1e-5, no affine) -> 1x1 -> GELU -> 1x1.
//
// The frozen Fourier matrix Bg is not a parameter: it is drawn from the seed (set_fourier_matrix
// replaces it, for parity with a reference).
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "core/config.hpp"
#include "core/tensor/params.hpp"

namespace eddyop::models {

using tensor::Index;

struct IFactFormerOptions {
  bool chained = false;   // false: IFactFormer-m (parallel); true: IFactFormer-o (chained)
  Index in_channels = 3;  // data channels
  Index out_channels = 3;
  Index lift_channels = 48;  // hidden channels of the grouped lift; a multiple of in_channels
  Index dim = 96;
  Index heads = 5;
  Index dim_head = 96;          // values per head
  Index kernel_dim_factor = 3;  // q, k per head: kernel_dim_factor * dim_head (even)
  Index iterations = 10;        // L: the shared block is applied L times, update scaled by 1/L
  Index fourier_features = 48;  // columns of Bg; the encoding has twice as many
  double fourier_sigma = 8.0;   // Bg ~ sigma N(0, 1)
  Index out_hidden = 48;
  double rotary_scale = 64.0;  // angle = rotary_scale * coordinate * theta_j
  std::vector<double> domain = {12.566370614359172, 2.0, 4.1887902047863905};  // lengths of x, y, z
};

// The `model.ifactformer` section of a case file.
config::Section ifactformer_section();
// Options from a resolved ifactformer section; the variant comes from model.type.
IFactFormerOptions ifactformer_options(const YAML::Node& section, bool chained, Index in_channels,
                                       Index out_channels);

template <class T>
class IFactFormer {
 public:
  // Checks the options, declares and allocates the parameters and initialises them as PyTorch
  // does by default (Wq, Wk: Xavier-uniform with gain 0.02; LayerNorm 1, 0) from `seed`.
  IFactFormer(const IFactFormerOptions& options, std::uint64_t seed);

  // y (B, Cout, X, Y, Z) from x (B, Cin, X, Y, Z).
  tensor::Var<T> forward(tensor::Tape<T>& tape, const tensor::Var<T>& x);

  tensor::ParameterSet<T>& parameters() { return params_; }
  const IFactFormerOptions& options() const { return options_; }
  // Bg (3, fourier_features), row-major.
  const std::vector<double>& fourier_matrix() const { return fourier_; }
  void set_fourier_matrix(const std::vector<double>& bg);
  // Grid coordinates of axis a with n points: linspace(0, domain[a], n).
  std::vector<double> coordinates(int axis, Index n) const;

 private:
  struct AxisBranch {
    tensor::Var<T> in_w, ln_g, ln_b, mlp1_w, mlp1_b, mlp2_w, mlp2_b, q_w, k_w;
  };
  tensor::Var<T> block(tensor::Tape<T>& tape, const tensor::Var<T>& h, const tensor::Shape& grid);
  const tensor::TensorT<T>& encoding_features(Index X, Index Y, Index Z);  // (N, 2F), cached

  IFactFormerOptions options_;
  tensor::ParameterSet<T> params_;
  std::vector<double> fourier_;
  tensor::Var<T> lift0_w_, lift0_b_, lift1_w_, pe_w_, pe_b_;
  tensor::Var<T> ln_g_, ln_b_, v_w_, in_w_, o1_w_, o2_w_;
  AxisBranch axes_[3];
  tensor::Var<T> out0_w_, out1_w_, out1_b_;
  std::map<std::vector<Index>, tensor::TensorT<T>> features_;
};

extern template class IFactFormer<float>;
extern template class IFactFormer<double>;

}  // namespace eddyop::models
