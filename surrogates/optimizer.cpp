#include "surrogates/optimizer.hpp"

#include <cmath>

#include "core/error.hpp"

namespace eddyop::surrogates {

using tensor::ExecSpace;

namespace {
using Range = Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<Index>>;
}

OptimizerKind parse_optimizer(const std::string& name) {
  if (name == "adam") return OptimizerKind::adam;
  if (name == "adamw") return OptimizerKind::adamw;
  if (name == "lion") return OptimizerKind::lion;
  EDDYOP_FAIL("optimizer",
              "unknown optimizer '" << name << "'; the optimizers are adam, adamw, lion");
}

const char* optimizer_name(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::adam:
      return "adam";
    case OptimizerKind::adamw:
      return "adamw";
    default:
      return "lion";
  }
}

Optimizer::Optimizer(const OptimizerOptions& options, Index size)
    : options_(options), size_(size), m_("eddyop::optimizer::exp_avg", static_cast<size_t>(size)) {
  if (options.kind != OptimizerKind::lion)
    v_ = Data<float>("eddyop::optimizer::exp_avg_sq", static_cast<size_t>(size));
}

void Optimizer::step(const Data<float>& params, const Data<float>& grads, double lr) {
  EDDYOP_CHECK(
      static_cast<Index>(params.extent(0)) >= size_ && static_cast<Index>(grads.extent(0)) >= size_,
      "optimizer", "buffers smaller than the " << size_ << " parameters");
  ++t_;
  float* p = params.data();
  const float* g = grads.data();
  float* m = m_.data();
  const OptimizerOptions& o = options_;
  const double b1 = o.beta1, b2 = o.beta2, wd = o.weight_decay;

  if (o.kind == OptimizerKind::lion) {
    const float decay = static_cast<float>(1.0 - lr * wd);
    const float fb1 = static_cast<float>(b1), fa1 = static_cast<float>(1.0 - b1);
    const float fb2 = static_cast<float>(b2), fa2 = static_cast<float>(1.0 - b2);
    const float flr = static_cast<float>(lr);
    Kokkos::parallel_for(
        "eddyop::Optimizer::lion", Range(0, size_), KOKKOS_LAMBDA(Index i) {
          const float c = m[i] * fb1 + fa1 * g[i];
          const float sign = c > 0.0f ? 1.0f : (c < 0.0f ? -1.0f : 0.0f);
          p[i] = p[i] * decay;
          p[i] = p[i] + (-flr) * sign;
          m[i] = m[i] * fb2 + fa2 * g[i];
        });
    Kokkos::fence();
    return;
  }

  // PyTorch computes these in Python doubles, then hands them to float kernels.
  const double step = static_cast<double>(t_);
  const double bias1 = 1.0 - std::pow(b1, step), bias2 = 1.0 - std::pow(b2, step);
  const float step_size_neg = static_cast<float>(-(lr / bias1));
  const float bias2_sqrt = static_cast<float>(std::sqrt(bias2));
  const float eps = static_cast<float>(o.eps);
  const float fb1 = static_cast<float>(b1), fa1 = static_cast<float>(1.0 - b1);
  const float fb2 = static_cast<float>(b2), fa2 = static_cast<float>(1.0 - b2);
  const bool adamw = o.kind == OptimizerKind::adamw;
  const float l2 = adamw ? 0.0f : static_cast<float>(wd);
  const float decay = adamw ? static_cast<float>(1.0 - lr * wd) : 1.0f;
  float* v = v_.data();
  Kokkos::parallel_for(
      "eddyop::Optimizer::adam", Range(0, size_), KOKKOS_LAMBDA(Index i) {
        using std::sqrt;
        if (adamw) p[i] = p[i] * decay;                         // param.mul_(1 - lr wd)
        const float gi = l2 != 0.0f ? g[i] + l2 * p[i] : g[i];  // grad.add(param, alpha=wd)
        m[i] = m[i] * fb1 + fa1 * gi;                           // exp_avg.mul_(b1).add_(g, 1 - b1)
        v[i] = v[i] * fb2 + fa2 * gi * gi;  // exp_avg_sq.mul_(b2).addcmul_(g, g, 1 - b2)
        const float denom = sqrt(v[i]) / bias2_sqrt + eps;
        p[i] = p[i] + step_size_neg * m[i] / denom;  // param.addcdiv_(m, denom, -step_size)
      });
  Kokkos::fence();
}

double global_norm(const Data<float>& values) {
  const float* x = values.data();
  double sum = 0;
  Kokkos::parallel_reduce(
      "eddyop::global_norm", Range(0, static_cast<Index>(values.extent(0))),
      KOKKOS_LAMBDA(Index i, double& acc) {
        acc += static_cast<double>(x[i]) * static_cast<double>(x[i]);
      },
      sum);
  return std::sqrt(sum);
}

double clip_grad_norm(const Data<float>& grads, double max_norm) {
  const double norm = global_norm(grads);
  const double coef = max_norm / (norm + 1e-6);
  if (coef < 1.0) {
    float* g = grads.data();
    const float c = static_cast<float>(coef);
    Kokkos::parallel_for(
        "eddyop::clip_grad_norm", Range(0, static_cast<Index>(grads.extent(0))),
        KOKKOS_LAMBDA(Index i) { g[i] = g[i] * c; });
    Kokkos::fence();
  }
  return norm;
}

}  // namespace eddyop::surrogates
