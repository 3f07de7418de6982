#include <gtest/gtest.h>
#include <petscsys.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "core/error.hpp"
#include "solvers/pde/darcy.hpp"
#include "tests/error_of.hpp"

using namespace eddyop::solvers;

namespace {

using eddyop::testing::error_of;

constexpr double kPi = 3.14159265358979323846;

std::vector<double> on_nodes(int n, const std::function<double(double, double)>& g) {
  std::vector<double> out(static_cast<std::size_t>(n) * n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i)
      out[static_cast<std::size_t>(j) * n + i] =
          g(static_cast<double>(i) / (n - 1), static_cast<double>(j) / (n - 1));
  return out;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) m = std::max(m, std::abs(a[k] - b[k]));
  return m;
}

}  // namespace

TEST(Darcy, ManufacturedSolutionConvergesAtSecondOrder) {
  // u = sin πx sin πy, a = 1 + x y², f = −∇·(a∇u) = 2π² a u − a_x u_x − a_y u_y.
  auto exact = [](double x, double y) { return std::sin(kPi * x) * std::sin(kPi * y); };
  auto coef = [](double x, double y) { return 1.0 + x * y * y; };
  auto source = [&](double x, double y) {
    const double ux = kPi * std::cos(kPi * x) * std::sin(kPi * y);
    const double uy = kPi * std::sin(kPi * x) * std::cos(kPi * y);
    return 2.0 * kPi * kPi * coef(x, y) * exact(x, y) - y * y * ux - 2.0 * x * y * uy;
  };
  std::vector<double> errors;
  for (int n : {33, 65, 129}) {
    DarcyParams p;
    p.n = n;
    p.n_store = n;
    DarcySolver solver(p);
    std::vector<double> u;
    const DarcyStats stats = solver.solve(u, on_nodes(n, coef), on_nodes(n, source));
    EXPECT_GT(stats.converged_reason, 0);
    errors.push_back(max_abs_diff(u, on_nodes(n, exact)));
  }
  const double order1 = std::log2(errors[0] / errors[1]), order2 = std::log2(errors[1] / errors[2]);
  std::printf("Darcy manufactured errors %.3e %.3e %.3e, observed orders %.3f %.3f\n", errors[0],
              errors[1], errors[2], order1, order2);
  // The scheme's truncation error is O(h²) for smooth a (arithmetic faces are a second-order
  // approximation of a at the face); the solver tolerance (1e-10) is far below the 1e-5 errors.
  EXPECT_GT(order1, 1.8);
  EXPECT_LT(order1, 2.2);
  EXPECT_GT(order2, 1.8);
  EXPECT_LT(order2, 2.2);
}

TEST(Darcy, ConstantCoefficientMatchesAnalyticSolution) {
  // a = 3, f = 2π² a sin πx sin πy. The continuous solution is u = sin πx sin πy; the discrete one
  // is exactly u · 2π² / λ_h with λ_h = (8/h²) sin²(πh/2), the 5-point Laplacian's eigenvalue.
  const int n = 65;
  const double h = 1.0 / (n - 1), a = 3.0;
  DarcyParams p;
  p.n = n;
  p.n_store = n;
  p.face = FaceAverage::harmonic;  // equal to the arithmetic mean for a constant a
  DarcySolver solver(p);
  auto exact = [](double x, double y) { return std::sin(kPi * x) * std::sin(kPi * y); };
  std::vector<double> u;
  solver.solve(u, std::vector<double>(static_cast<std::size_t>(n) * n, a),
               on_nodes(n, [&](double x, double y) { return 2.0 * kPi * kPi * a * exact(x, y); }));
  const double lambda_h = 8.0 / (h * h) * std::pow(std::sin(kPi * h / 2.0), 2);
  std::vector<double> discrete = on_nodes(n, exact);
  for (double& v : discrete) v *= 2.0 * kPi * kPi / lambda_h;
  // KSP rtol 1e-10 on a system with condition number ~ 4/(π² h²) ≈ 1.7e3: error ≲ 1e-7.
  EXPECT_LT(max_abs_diff(u, discrete), 1e-7);
  // And the continuous solution to O(h²): 2π²/λ_h − 1 ≈ π² h²/12 = 2.0e-4.
  EXPECT_LT(max_abs_diff(u, on_nodes(n, exact)), 2.5e-4);
}

TEST(Darcy, RandomSampleConvergesWithDefaultMultigridInFewIterations) {
  DarcyParams p;
  p.n = 129;
  p.n_store = 33;
  DarcySolver solver(p);
  const DarcySample s = darcy_sample(solver, p, 1, 0);
  EXPECT_GT(s.stats.converged_reason, 0);
  EXPECT_EQ(s.stats.ksp_type, "cg");
  EXPECT_EQ(s.stats.pc_type, "mg");
  EXPECT_EQ(s.stats.mg_levels, 7);
  // Geometric multigrid: an iteration count independent of h, ~10 for rtol 1e-10 (contrast 4).
  EXPECT_LE(s.stats.iterations, 25);
  ASSERT_EQ(s.a.size(), static_cast<std::size_t>(33 * 33));
  int plus = 0, minus = 0;
  for (float v : s.a) (v == 12.0f ? plus : minus) += (v == 12.0f || v == 3.0f) ? 1 : 0;
  EXPECT_EQ(plus + minus, 33 * 33);
  EXPECT_GT(plus, 0);
  EXPECT_GT(minus, 0);
  // Positive source, zero boundary: u > 0 inside and 0 on the boundary (maximum principle).
  EXPECT_EQ(s.u[0], 0.0f);
  EXPECT_GT(s.u[16 * 33 + 16], 0.0f);
}

TEST(Darcy, SameSeedGivesBitwiseSameSampleAndOtherSampleDiffers) {
  DarcyParams p;
  p.n = 65;
  p.n_store = 17;
  DarcySolver solver(p);
  const DarcySample a = darcy_sample(solver, p, 5, 3), b = darcy_sample(solver, p, 5, 3);
  EXPECT_EQ(a.a, b.a);
  EXPECT_EQ(a.u, b.u);
  EXPECT_NE(a.a, darcy_sample(solver, p, 5, 4).a);
}

TEST(Darcy, BadInputNamesTheParameterValueAndLimit) {
  DarcyParams p;
  p.a_minus = -1.0;
  EXPECT_NE(error_of([&] { validate(p); }).find("a_minus = -1"), std::string::npos);
  p = DarcyParams{};
  p.n_store = 100;
  EXPECT_NE(error_of([&] { validate(p); }).find("n_store = 100"), std::string::npos);
  p = DarcyParams{};
  p.n = 400;  // n − 1 = 399 is odd: PCMG cannot coarsen it at all
  p.n_store = 400;
  const std::string msg = error_of([&] { DarcySolver s(p); });
  EXPECT_NE(msg.find("n = 400 coarsens only to a 400^2 grid"), std::string::npos) << msg;
  // More levels than the grid allows, asked for through the options database.
  p.n = 129;
  p.n_store = 129;
  ASSERT_EQ(PetscOptionsSetValue(nullptr, "-darcy_pc_mg_levels", "9"), 0);
  const std::string levels = error_of([&] { validate(p); });
  ASSERT_EQ(PetscOptionsClearValue(nullptr, "-darcy_pc_mg_levels"), 0);
  EXPECT_NE(levels.find("n = 129 cannot be coarsened to 9 multigrid levels"), std::string::npos)
      << levels;
  EXPECT_NO_THROW(validate(p));
}

TEST(Darcy, AlgebraicMultigridFromTheOptionsAgreesWithDefault) {
  DarcyParams p;
  p.n = 65;
  p.n_store = 65;
  const std::vector<double> a = darcy_coefficient(p, 2, 0);
  const std::vector<double> f(a.size(), 1.0);
  std::vector<double> u_mg, u_gamg;
  {
    DarcySolver solver(p);
    solver.solve(u_mg, a, f);
  }
  ASSERT_EQ(PetscOptionsSetValue(nullptr, "-darcy_pc_type", "gamg"), 0);
  DarcyStats stats;
  {
    DarcySolver solver(p);
    stats = solver.solve(u_gamg, a, f);
  }
  ASSERT_EQ(PetscOptionsClearValue(nullptr, "-darcy_pc_type"), 0);
  EXPECT_EQ(stats.pc_type, "gamg");
  // Both solve to rtol 1e-10; u ~ 0.01, so they agree far below the discretisation error.
  EXPECT_LT(max_abs_diff(u_mg, u_gamg), 1e-9);
}
