// Finite-difference gradient check of an op in double precision, with a random upstream
// gradient: the tape's gradient of L = sum(dy * f(x...)) against central differences of L.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>
#include <vector>

#include "core/tensor/tape.hpp"

namespace eddyop::testing {

using tensor::Shape;
using tensor::Tape;
using tensor::TensorT;
using tensor::Var;

using Op = std::function<Var<double>(Tape<double>&, const std::vector<Var<double>>&)>;

inline std::vector<double> random_values(std::size_t n, std::mt19937& rng, double lo = -1,
                                         double hi = 1) {
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<double> v(n);
  for (auto& x : v) x = u(rng);
  return v;
}

// Inputs drawn uniformly in [lo, hi]. Checks every element of inputs up to `max_checks` values
// (a spread sample beyond). Central differences with step h have error O(h^2 f''') plus
// O(eps/h): h = 1e-5 gives ~1e-10 on these smooth ops, so 1e-6 relative is a safe bound.
inline void expect_gradients(const std::vector<Shape>& shapes, const Op& f, unsigned seed = 1,
                             double lo = -1, double hi = 1, double tol = 1e-6,
                             std::size_t max_checks = 400) {
  std::mt19937 rng(seed);
  std::vector<TensorT<double>> xs;
  for (const auto& s : shapes) {
    xs.push_back(TensorT<double>::zeros(s));
    tensor::from_host(xs.back(), random_values(static_cast<std::size_t>(s.numel()), rng, lo, hi));
  }
  Tape<double> tape;
  std::vector<Var<double>> vars;
  for (auto& x : xs) vars.push_back(tape.input(x, true));
  Var<double> y = f(tape, vars);
  TensorT<double> dy = TensorT<double>::zeros(y->shape());
  const auto dyh = random_values(static_cast<std::size_t>(y->value.numel()), rng);
  tensor::from_host(dy, dyh);
  tape.backward(y, dy);
  auto loss = [&]() {
    Tape<double> t(false);
    std::vector<Var<double>> v;
    for (auto& x : xs) v.push_back(t.input(x, false));
    const auto out = tensor::to_host(f(t, v)->value);
    double s = 0;
    for (std::size_t i = 0; i < out.size(); ++i) s += dyh[i] * out[i];
    return s;
  };
  const double h = 1e-5;
  for (std::size_t k = 0; k < xs.size(); ++k) {
    const auto analytic = vars[k]->grad.empty() ? std::vector<double>(xs[k].numel(), 0.0)
                                                : tensor::to_host(vars[k]->grad);
    auto values = tensor::to_host(xs[k]);
    const std::size_t n = values.size();
    const std::size_t step = n > max_checks ? n / max_checks + 1 : 1;
    for (std::size_t i = 0; i < n; i += step) {
      const double x0 = values[i];
      values[i] = x0 + h;
      tensor::from_host(xs[k], values);
      const double lp = loss();
      values[i] = x0 - h;
      tensor::from_host(xs[k], values);
      const double lm = loss();
      values[i] = x0;
      tensor::from_host(xs[k], values);
      const double fd = (lp - lm) / (2 * h);
      ASSERT_NEAR(analytic[i], fd, tol * std::max(1.0, std::abs(fd)))
          << "input " << k << " " << shapes[k].str() << ", element " << i;
    }
  }
}

}  // namespace eddyop::testing
