#include "surrogates/normaliser.hpp"

#include <cmath>

#include "core/error.hpp"

namespace eddyop::surrogates {

using tensor::ExecSpace;
using tensor::Shape;
using tensor::TensorT;
using tensor::Var;

namespace {
using Range = Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<Index>>;
}

NormaliserKind parse_normaliser(const std::string& name) {
  if (name == "none") return NormaliserKind::none;
  if (name == "channel") return NormaliserKind::channel;
  if (name == "pointwise") return NormaliserKind::pointwise;
  EDDYOP_FAIL("normaliser",
              "unknown normaliser '" << name << "'; the normalisers are none, channel, pointwise");
}

const char* normaliser_name(NormaliserKind kind) {
  switch (kind) {
    case NormaliserKind::none:
      return "none";
    case NormaliserKind::channel:
      return "channel";
    default:
      return "pointwise";
  }
}

Normaliser::Normaliser(NormaliserKind kind, Index channels, Index points)
    : kind_(kind), channels_(channels), points_(points) {
  const auto n = static_cast<size_t>(channels * stat_points());
  mean_.assign(n, 0.0);
  std_.assign(n, 0.0);
  count_.assign(n, 0.0);
}

Normaliser::Normaliser(NormaliserKind kind, Index channels, Index points, std::vector<double> mean,
                       std::vector<double> std)
    : kind_(kind),
      channels_(channels),
      points_(points),
      mean_(std::move(mean)),
      std_(std::move(std)) {
  if (kind_ == NormaliserKind::none) return;
  EDDYOP_CHECK(
      static_cast<Index>(mean_.size()) == channels * stat_points() && mean_.size() == std_.size(),
      "normaliser",
      "stored statistics hold " << mean_.size() << " values, expected "
                                << channels * stat_points());
  finish();
}

void Normaliser::add(const float* x, Index count) {
  if (kind_ == NormaliserKind::none) return;
  const Index sp = stat_points();
  for (Index s = 0; s < count; ++s)
    for (Index c = 0; c < channels_; ++c)
      for (Index p = 0; p < points_; ++p) {
        const double v = x[(s * channels_ + c) * points_ + p];
        const auto k = static_cast<size_t>(c * sp + (sp == 1 ? 0 : p));
        mean_[k] += v;
        std_[k] += v * v;
        count_[k] += 1.0;
      }
}

void Normaliser::finish() {
  if (kind_ == NormaliserKind::none) return;
  if (!count_.empty()) {  // from sums; otherwise mean_ and std_ are stored statistics
    for (size_t k = 0; k < mean_.size(); ++k) {
      const double n = count_[k];
      EDDYOP_CHECK(n >= 2, "normaliser", "needs at least 2 training snapshots, got " << n);
      const double mean = mean_[k] / n;
      const double var = std::max(0.0, (std_[k] - n * mean * mean) / (n - 1.0));
      mean_[k] = mean;
      std_[k] = std::sqrt(var);
    }
    count_.clear();
  }
  const Index sp = stat_points();
  std::vector<float> scale(mean_.size()), shift(mean_.size());
  for (size_t k = 0; k < mean_.size(); ++k) {
    scale[k] = static_cast<float>(std_[k] + kEps);
    shift[k] = static_cast<float>(mean_[k]);
  }
  scale_ = TensorT<float>::zeros(Shape{channels_, sp}, "eddyop::normaliser::scale");
  shift_ = TensorT<float>::zeros(Shape{channels_, sp}, "eddyop::normaliser::shift");
  tensor::from_host(scale_, scale);
  tensor::from_host(shift_, shift);
}

void Normaliser::encode(float* x, Index batch, Index reps) const {
  if (kind_ == NormaliserKind::none) return;
  const Index sp = stat_points();
  for (Index b = 0; b < batch * reps; ++b)
    for (Index c = 0; c < channels_; ++c) {
      float* xc = x + (b * channels_ + c) * points_;
      for (Index p = 0; p < points_; ++p) {
        const auto k = static_cast<size_t>(c * sp + (sp == 1 ? 0 : p));
        xc[p] = static_cast<float>((static_cast<double>(xc[p]) - mean_[k]) / (std_[k] + kEps));
      }
    }
}

void Normaliser::decode(float* y, Index batch) const {
  if (kind_ == NormaliserKind::none) return;
  const Index sp = stat_points();
  for (Index b = 0; b < batch; ++b)
    for (Index c = 0; c < channels_; ++c) {
      float* yc = y + (b * channels_ + c) * points_;
      for (Index p = 0; p < points_; ++p) {
        const auto k = static_cast<size_t>(c * sp + (sp == 1 ? 0 : p));
        yc[p] = static_cast<float>(static_cast<double>(yc[p]) * (std_[k] + kEps) + mean_[k]);
      }
    }
}

Var<float> Normaliser::decode(tensor::Tape<float>& tape, const Var<float>& y) const {
  if (kind_ == NormaliserKind::none) return y;
  const Shape& ys = y->shape();
  EDDYOP_CHECK(ys.rank() >= 2 && ys[1] == channels_ && ys.span(2, ys.rank()) == points_,
               "normaliser",
               "decode of " << ys.str() << " with statistics of " << channels_ << " channels on "
                            << points_ << " points");
  const Index n = ys.numel(), P = points_, C = channels_, sp = stat_points();
  auto out = tape.make(ys, tape.needs_grad(y));
  const float* yv = y->value.ptr();
  float* ov = out->value.ptr();
  const float* scale = scale_.ptr();
  const float* shift = shift_.ptr();
  // Statistic of element i of (B, C, P): channel (i / P) % C, point i % P (or 0 per channel).
  auto stat = [=] KOKKOS_FUNCTION(Index i) { return ((i / P) % C) * sp + (sp == 1 ? 0 : i % P); };
  Kokkos::parallel_for(
      "eddyop::Normaliser::decode::forward", Range(0, n),
      KOKKOS_LAMBDA(Index i) { ov[i] = yv[i] * scale[stat(i)] + shift[stat(i)]; });
  if (out->requires_grad)
    tape.record("eddyop::Normaliser::decode::backward", [&tape, y, out, n, stat, scale]() {
      if (out->grad.empty()) return;
      float* gy = tape.grad(y).ptr();
      const float* g = out->grad.ptr();
      Kokkos::parallel_for(
          "eddyop::Normaliser::decode::backward", Range(0, n),
          KOKKOS_LAMBDA(Index i) { gy[i] += g[i] * scale[stat(i)]; });
    });
  return out;
}

}  // namespace eddyop::surrogates
