#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "solvers/pde/burgers.hpp"

using namespace eddyop::solvers;

namespace {
constexpr double kPi = 3.14159265358979323846;

// Cole–Hopf: u = −2ν φ_x / φ with φ a positive solution of the heat equation φ_t = ν φ_xx:
// φ = 2 + c1 e^{−ν(2π)²t} cos 2πx + c2 e^{−ν(4π)²t} cos(4πx + 1), c1 + c2 < 2.
std::vector<double> cole_hopf(int n, double nu, double t, double c1, double c2) {
  std::vector<double> u(n);
  const double e1 = c1 * std::exp(-nu * 4.0 * kPi * kPi * t);
  const double e2 = c2 * std::exp(-nu * 16.0 * kPi * kPi * t);
  for (int i = 0; i < n; ++i) {
    const double x = static_cast<double>(i) / n;
    const double phi = 2.0 + e1 * std::cos(2.0 * kPi * x) + e2 * std::cos(4.0 * kPi * x + 1.0);
    const double phi_x =
        -2.0 * kPi * e1 * std::sin(2.0 * kPi * x) - 4.0 * kPi * e2 * std::sin(4.0 * kPi * x + 1.0);
    u[i] = -2.0 * nu * phi_x / phi;
  }
  return u;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) m = std::max(m, std::abs(a[k] - b[k]));
  return m;
}
}  // namespace

TEST(Burgers, MatchesColeHopfExactSolution) {
  BurgersParams p;
  p.n = 256;
  p.n_store = 256;
  p.nu = 0.05;
  p.t_final = 0.5;
  p.dt = 1e-3;
  const double c1 = 1.0, c2 = 0.6;
  const std::vector<double> u = burgers_solve(p, cole_hopf(p.n, p.nu, 0.0, c1, c2));
  const std::vector<double> exact = cole_hopf(p.n, p.nu, p.t_final, c1, c2);
  const double err = max_abs_diff(u, exact);
  std::printf("Burgers Cole-Hopf error at T = 0.5: %.3e\n", err);
  // Spectrally accurate in x (φ ≥ 0.4 keeps u analytic in a strip), 4th order in t with
  // (dt U k)^4 ~ 1e-8: the error is at the 1e-9 level; 1e-7 leaves a margin.
  EXPECT_LT(err, 1e-7);
}

TEST(Burgers, TemporalOrderIsFour) {
  BurgersParams p;
  p.n = 128;
  p.n_store = 128;
  p.nu = 0.05;
  p.t_final = 0.4;
  const double c1 = 1.0, c2 = 0.6;
  const std::vector<double> u0 = cole_hopf(p.n, p.nu, 0.0, c1, c2);
  const std::vector<double> exact = cole_hopf(p.n, p.nu, p.t_final, c1, c2);
  std::vector<double> errors;
  for (double dt : {0.02, 0.01, 0.005}) {
    p.dt = dt;
    errors.push_back(max_abs_diff(burgers_solve(p, u0), exact));
  }
  const double order1 = std::log2(errors[0] / errors[1]), order2 = std::log2(errors[1] / errors[2]);
  std::printf("Burgers errors %.3e %.3e %.3e, observed orders %.3f %.3f\n", errors[0], errors[1],
              errors[2], order1, order2);
  // ETDRK4 is fourth order; its error constant settles once dt U k_eff < 1.
  EXPECT_NEAR(order2, 4.0, 0.4);
}

TEST(Burgers, SameSeedGivesBitwiseSameSampleAndOtherSampleDiffers) {
  BurgersParams p;
  p.n = 512;
  p.n_store = 128;
  p.dt = 2e-3;
  p.t_final = 0.1;
  const BurgersSample a = burgers_sample(p, 9, 1), b = burgers_sample(p, 9, 1);
  ASSERT_EQ(a.u0.size(), 128u);
  EXPECT_EQ(a.u0, b.u0);
  EXPECT_EQ(a.uT, b.uT);
  EXPECT_NE(a.u0, burgers_sample(p, 9, 2).u0);
  EXPECT_NE(a.u0, a.uT);
}

TEST(Burgers, BadInputNamesTheParameterValueAndLimit) {
  auto message = [](const BurgersParams& p) {
    try {
      validate(p);
    } catch (const eddyop::Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  BurgersParams p;
  p.nu = -0.1;
  EXPECT_NE(message(p).find("nu = -0.1 must be > 0"), std::string::npos) << message(p);
  p = BurgersParams{};
  p.dt = 0.05;
  p.t_final = 1.0;
  EXPECT_NE(message(p).find("dt = 0.05 is above the stability limit"), std::string::npos)
      << message(p);
  p = BurgersParams{};
  p.n_store = 1000;
  EXPECT_NE(message(p).find("n_store = 1000"), std::string::npos) << message(p);
  p = BurgersParams{};
  p.t_final = 0.0015;
  EXPECT_NE(message(p).find("t_final"), std::string::npos) << message(p);
  EXPECT_THROW(burgers_solve(p, std::vector<double>(8192, 0.0)), eddyop::Error);
}
