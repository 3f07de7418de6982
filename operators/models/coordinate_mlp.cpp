#include "operators/models/coordinate_mlp.hpp"

#include <cmath>
#include <random>
#include <string>

namespace eddyop::models {

using tensor::Shape;
using tensor::Var;

template <class T>
CoordinateMlp<T>::CoordinateMlp(const CoordinateMlpOptions& options, std::uint64_t seed)
    : options_(options) {
  EDDYOP_CHECK(options.coordinates >= 1 && options.width >= 1 && options.hidden >= 1 &&
                   options.out_channels >= 1,
               "coordinate_mlp",
               "coordinates (" << options.coordinates << "), width (" << options.width
                               << "), hidden (" << options.hidden << ") and out_channels ("
                               << options.out_channels << ") must be positive");
  const Index layers = options.hidden + 1;
  for (Index l = 0; l < layers; ++l) {
    const Index in = l == 0 ? options.coordinates : options.width;
    const Index out = l == layers - 1 ? options.out_channels : options.width;
    w_.push_back(params_.add("fc" + std::to_string(l) + ".weight", Shape{out, in}));
    b_.push_back(params_.add("fc" + std::to_string(l) + ".bias", Shape{out}));
  }
  params_.allocate();

  std::mt19937_64 rng(seed);
  for (std::size_t l = 0; l < w_.size(); ++l) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(w_[l]->shape()[1]));
    std::uniform_real_distribution<double> u(-bound, bound);
    for (const Var<T>& v : {w_[l], b_[l]}) {
      std::vector<T> h(static_cast<std::size_t>(v->value.numel()));
      for (auto& x : h) x = static_cast<T>(u(rng));
      tensor::from_host(v->value, h);
    }
  }
}

template <class T>
ops::Jet<T> CoordinateMlp<T>::forward(tensor::Tape<T>& tape, const ops::Jet<T>& x) {
  EDDYOP_CHECK(x.value && x.value->shape()[-1] == options_.coordinates, "coordinate_mlp",
               "input " << (x.value ? x.value->shape().str() : std::string("(none)"))
                        << " does not end in the " << options_.coordinates << " coordinates");
  ops::Jet<T> h = x;
  for (std::size_t l = 0; l < w_.size(); ++l) {
    h = ops::jet_linear(tape, h, w_[l], b_[l]);
    if (l + 1 < w_.size()) h = ops::jet_activation(tape, h, options_.activation);
  }
  return h;
}

template <class T>
Var<T> CoordinateMlp<T>::value(tensor::Tape<T>& tape, const Var<T>& x) {
  EDDYOP_CHECK(x && x->shape()[-1] == options_.coordinates, "coordinate_mlp",
               "input " << (x ? x->shape().str() : std::string("(none)")) << " does not end in the "
                        << options_.coordinates << " coordinates");
  Var<T> h = x;
  for (std::size_t l = 0; l < w_.size(); ++l) {
    h = ops::linear(tape, h, w_[l], b_[l]);
    if (l + 1 < w_.size()) h = ops::activate(tape, h, options_.activation);
  }
  return h;
}

template class CoordinateMlp<float>;
template class CoordinateMlp<double>;

}  // namespace eddyop::models
