#include "operators/models/fno.hpp"

#include <cmath>
#include <random>

#include "operators/fourier_layer.hpp"
#include "operators/ops.hpp"

namespace eddyop::models {

using tensor::Shape;
using tensor::Var;

config::Section fno_section() {
  config::Section s("fno", "Fourier neural operator (Li et al. 2020), original configuration");
  s.add_int_list("modes", {12, 12}, "Fourier modes kept per spatial axis (one entry per axis)");
  s.add_int("width", 32, "channels of the Fourier layers").min(1);
  s.add_int("layers", 4, "number of Fourier layers").min(1);
  s.add_int("projection", 128, "hidden channels of the projection MLP").min(1);
  s.add_int("padding", 0, "zero points appended to every spatial axis (non-periodic problems)")
      .min(0);
  return s;
}

FnoOptions fno_options(const YAML::Node& section, Index in_channels, Index out_channels) {
  FnoOptions o;
  o.in_channels = in_channels;
  o.out_channels = out_channels;
  for (auto m : section["modes"].as<std::vector<long long>>()) o.modes.push_back(m);
  o.width = section["width"].as<long long>();
  o.layers = section["layers"].as<long long>();
  o.projection = section["projection"].as<long long>();
  o.padding = section["padding"].as<long long>();
  return o;
}

template <class T>
Fno<T>::Fno(const FnoOptions& options, std::uint64_t seed) : options_(options) {
  const Index d = static_cast<Index>(options.modes.size());
  EDDYOP_CHECK(d >= 1 && d <= 3, "fno",
               "modes has " << d
                            << " entries; give one per spatial axis "
                               "(1 to 3)");
  for (Index m : options.modes) EDDYOP_CHECK(m >= 1, "fno", "modes must be positive, got " << m);
  EDDYOP_CHECK(options.in_channels >= 1 && options.out_channels >= 1 && options.width >= 1 &&
                   options.layers >= 1 && options.projection >= 1 && options.padding >= 0,
               "fno", "channel counts, width, layers and projection must be positive");
  const Index W = options.width, Cl = options.in_channels + d, P = options.projection;
  const Index M = ops::spectral_modes(options.modes);
  fc0_w_ = params_.add("fc0.weight", Shape{W, Cl});
  fc0_b_ = params_.add("fc0.bias", Shape{W});
  for (Index l = 0; l < options.layers; ++l) {
    spectral_w_.push_back(params_.add("conv" + std::to_string(l) + ".weights", Shape{M, W, W, 2}));
    skip_w_.push_back(params_.add("w" + std::to_string(l) + ".weight", Shape{W, W}));
    skip_b_.push_back(params_.add("w" + std::to_string(l) + ".bias", Shape{W}));
  }
  fc1_w_ = params_.add("fc1.weight", Shape{P, W});
  fc1_b_ = params_.add("fc1.bias", Shape{P});
  fc2_w_ = params_.add("fc2.weight", Shape{options.out_channels, P});
  fc2_b_ = params_.add("fc2.bias", Shape{options.out_channels});
  params_.allocate();

  std::mt19937_64 rng(seed);
  auto fill = [&](const Var<T>& v, double lo, double hi) {
    std::uniform_real_distribution<double> u(lo, hi);
    std::vector<T> h(static_cast<std::size_t>(v->value.numel()));
    for (auto& x : h) x = static_cast<T>(u(rng));
    tensor::from_host(v->value, h);
  };
  auto dense = [&](const Var<T>& w, const Var<T>& b) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(w->shape()[1]));
    fill(w, -bound, bound);
    fill(b, -bound, bound);
  };
  dense(fc0_w_, fc0_b_);
  for (Index l = 0; l < options.layers; ++l) {
    fill(spectral_w_[static_cast<std::size_t>(l)], 0.0, 1.0 / static_cast<double>(W * W));
    dense(skip_w_[static_cast<std::size_t>(l)], skip_b_[static_cast<std::size_t>(l)]);
  }
  dense(fc1_w_, fc1_b_);
  dense(fc2_w_, fc2_b_);
}

template <class T>
const tensor::TensorT<T>& Fno<T>::grid(const Shape& xs) {
  const int d = xs.rank() - 2;
  std::vector<Index> key{xs[0], d};
  for (int a = 2; a < xs.rank(); ++a) key.push_back(xs[a]);
  auto it = grids_.find(key);
  if (it != grids_.end()) return it->second;
  // Coordinates linspace(0, 1, n) per axis, as the reference's get_grid.
  const Shape gs(key);
  const Index N = xs.span(2, xs.rank());
  std::vector<T> h(static_cast<std::size_t>(gs.numel()));
  for (Index b = 0; b < xs[0]; ++b)
    for (int a = 0; a < d; ++a)
      for (Index p = 0; p < N; ++p) {
        Index rest = p, k = 0;
        for (int q = d - 1; q >= a; --q) {
          k = rest % xs[2 + q];
          rest /= xs[2 + q];
        }
        const Index n = xs[2 + a];
        h[static_cast<std::size_t>((b * d + a) * N + p)] =
            n > 1 ? static_cast<T>(static_cast<double>(k) / static_cast<double>(n - 1)) : T(0);
      }
  auto t = tensor::TensorT<T>::zeros(gs, "eddyop::Fno::grid");
  tensor::from_host(t, h);
  return grids_.emplace(key, t).first->second;
}

template <class T>
Var<T> Fno<T>::forward(tensor::Tape<T>& tape, const Var<T>& x) {
  const Shape& xs = x->shape();
  const int d = static_cast<int>(options_.modes.size());
  EDDYOP_CHECK(xs.rank() == d + 2 && xs[1] == options_.in_channels, "fno",
               "input " << xs.str() << " is not (B, " << options_.in_channels << ", S...) with "
                        << d << " spatial axes");
  Kokkos::Profiling::pushRegion("eddyop::Fno::forward");
  // Lifting with the grid coordinates appended as channels.
  Var<T> h = ops::concat(tape, {x, tape.input(grid(xs))}, 1);
  h = ops::pointwise_conv(tape, h, fc0_w_, fc0_b_);
  const Index pad = options_.padding;
  if (pad > 0)
    h = ops::pad(tape, h, std::vector<Index>(static_cast<std::size_t>(d), 0),
                 std::vector<Index>(static_cast<std::size_t>(d), pad), ops::PadMode::zero);
  for (Index l = 0; l < options_.layers; ++l) {
    const auto i = static_cast<std::size_t>(l);
    // spectral_conv + pointwise_conv + add (+ gelu) in one op: one output buffer.
    h = ops::fourier_layer(tape, h, spectral_w_[i], skip_w_[i], skip_b_[i], options_.modes,
                           l + 1 < options_.layers);
  }
  if (pad > 0)
    for (int a = 0; a < d; ++a) h = ops::slice(tape, h, 2 + a, 0, xs[2 + a]);
  h = ops::projection(tape, h, fc1_w_, fc1_b_, fc2_w_, fc2_b_);  // fc2(gelu(fc1(h)))
  Kokkos::Profiling::popRegion();
  return h;
}

template class Fno<float>;
template class Fno<double>;

}  // namespace eddyop::models
