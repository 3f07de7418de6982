// Losses: finite-difference gradient checks in double precision with a random upstream gradient,
// on shapes that hit edge paths (batch 1, odd sizes, 1 to 3 spatial axes, several channels), and
// the spectral H1 loss against a direct DFT (its slow, obvious twin).
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <random>
#include <vector>

#include "surrogates/loss.hpp"

namespace eddyop::surrogates {
namespace {

using tensor::Shape;

std::vector<double> random_values(Index n, std::mt19937& rng, double lo = -1, double hi = 1) {
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<double> v(static_cast<size_t>(n));
  for (auto& x : v) x = u(rng);
  return v;
}

double loss_value(LossKind kind, const std::vector<double>& p, const std::vector<double>& y,
                  const Shape& s, double denominator) {
  auto pt = TensorT<double>::zeros(s), yt = TensorT<double>::zeros(s);
  tensor::from_host(pt, p);
  tensor::from_host(yt, y);
  Tape<double> tape(false);
  return tensor::to_host(loss(kind, tape, tape.input(pt), yt, denominator)->value)[0];
}

// The tape's gradient of g L(p) against central differences. Step h = 1e-5: truncation
// O(h^2 L''') ~ 1e-10 and rounding O(eps L / h) ~ 1e-11 on these smooth losses, so a relative
// 1e-6 leaves a wide margin while catching any wrong factor or index.
void expect_gradient(LossKind kind, const Shape& s, double denominator, unsigned seed) {
  std::mt19937 rng(seed);
  const auto p = random_values(s.numel(), rng), y = random_values(s.numel(), rng);
  const double g = random_values(1, rng, 0.5, 2.0)[0];
  auto pt = TensorT<double>::zeros(s), yt = TensorT<double>::zeros(s);
  tensor::from_host(pt, p);
  tensor::from_host(yt, y);
  Tape<double> tape;
  auto pv = tape.input(pt, true);
  auto l = loss(kind, tape, pv, yt, denominator);
  auto dy = TensorT<double>::zeros(Shape{1});
  tensor::from_host(dy, {g});
  tape.backward(l, dy);
  const auto grad = tensor::to_host(tape.grad(pv));
  const double h = 1e-5;
  for (size_t i = 0; i < p.size(); ++i) {
    auto plus = p, minus = p;
    plus[i] += h;
    minus[i] -= h;
    const double fd =
        g *
        (loss_value(kind, plus, y, s, denominator) - loss_value(kind, minus, y, s, denominator)) /
        (2 * h);
    EXPECT_NEAR(grad[i], fd, 1e-6 * std::max(1.0, std::abs(fd)))
        << "element " << i << " of " << s.str();
  }
}

TEST(LossGradient, RelativeL2MatchesFiniteDifferences) {
  expect_gradient(LossKind::rel_l2, Shape{1, 1, 5}, 1.0, 1);
  expect_gradient(LossKind::rel_l2, Shape{3, 2, 4, 3}, 3.0, 2);
}

TEST(LossGradient, MseMatchesFiniteDifferences) {
  expect_gradient(LossKind::mse, Shape{1, 1, 7}, 1.0, 3);
  expect_gradient(LossKind::mse, Shape{2, 3, 3, 2}, 2.0, 4);
}

TEST(LossGradient, SpectralH1MatchesFiniteDifferencesIn1D2D3D) {
  expect_gradient(LossKind::h1, Shape{1, 1, 6}, 1.0, 5);  // even: a Nyquist mode
  expect_gradient(LossKind::h1, Shape{2, 2, 7}, 2.0, 6);  // odd
  expect_gradient(LossKind::h1, Shape{2, 1, 5, 4}, 1.0, 7);
  expect_gradient(LossKind::h1, Shape{1, 2, 4, 3, 2}, 1.0, 8);
}

TEST(LossValue, RelativeL2IsThePerSampleRatioSummedOrAveraged) {
  // Sample 0: error (3, 4) on target (0, 5) -> 1; sample 1: error (0, 1) on (1, 0) -> 1 ... (2, 0).
  const Shape s{2, 1, 2};
  const std::vector<double> p{3, 9, 2, 1}, y{0, 5, 2, 0};
  // r_0 = |(3, 4)| / |(0, 5)| = 1, r_1 = |(0, 1)| / |(2, 0)| = 0.5
  EXPECT_NEAR(loss_value(LossKind::rel_l2, p, y, s, 1.0), 1.5, 1e-14);
  EXPECT_NEAR(loss_value(LossKind::rel_l2, p, y, s, 2.0), 0.75, 1e-14);
  // mse: (9 + 16) / 2 and (0 + 1) / 2, averaged over the batch: 6.5
  EXPECT_NEAR(loss_value(LossKind::mse, p, y, s, 2.0), 6.5, 1e-14);
}

// Direct evaluation of the H1 ratio with a full complex DFT over a 2D grid.
double direct_h1(const std::vector<double>& p, const std::vector<double>& y, Index B, Index C,
                 Index nx, Index ny) {
  auto wavenumber = [](Index i, Index n) { return 2 * i <= n ? i : i - n; };
  double total = 0;
  for (Index b = 0; b < B; ++b) {
    double num = 0, den = 0;
    for (Index c = 0; c < C; ++c)
      for (Index kx = 0; kx < nx; ++kx)
        for (Index ky = 0; ky < ny; ++ky) {
          std::complex<double> E = 0, Y = 0;
          for (Index x = 0; x < nx; ++x)
            for (Index yy = 0; yy < ny; ++yy) {
              const double ang = -2 * M_PI * (double(kx * x) / nx + double(ky * yy) / ny);
              const size_t i = static_cast<size_t>(((b * C + c) * nx + x) * ny + yy);
              E += (p[i] - y[i]) * std::polar(1.0, ang);
              Y += y[i] * std::polar(1.0, ang);
            }
          const double a = wavenumber(kx, nx), bb = wavenumber(ky, ny);
          const double w = 1 + a * a + bb * bb;
          num += w * std::norm(E);
          den += w * std::norm(Y);
        }
    total += std::sqrt(num / den);
  }
  return total;
}

TEST(LossValue, SpectralH1MatchesADirectDft) {
  for (auto [nx, ny] : {std::pair<Index, Index>{4, 6}, {5, 3}}) {
    std::mt19937 rng(11);
    const Shape s{2, 2, nx, ny};
    const auto p = random_values(s.numel(), rng), y = random_values(s.numel(), rng);
    EXPECT_NEAR(loss_value(LossKind::h1, p, y, s, 1.0), direct_h1(p, y, 2, 2, nx, ny), 1e-12)
        << nx << " x " << ny;
  }
}

TEST(LossErrors, ShapesMustAgree) {
  Tape<double> tape;
  auto p = tape.input(TensorT<double>::zeros(Shape{2, 1, 4}), true);
  EXPECT_THROW(relative_l2(tape, p, TensorT<double>::zeros(Shape{2, 1, 5}), 1.0), Error);
  EXPECT_THROW(parse_loss("l1"), Error);
}

}  // namespace
}  // namespace eddyop::surrogates
