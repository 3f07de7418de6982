// Vorticity and Q by second-order differences on a stretched grid: exact for fields quadratic in
// y, and second-order convergent for a periodic field.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "postprocess/derived_fields.hpp"
#include "tests/postprocess/helpers.hpp"

namespace pp = eddyop::postprocess;

namespace {
constexpr double kPi = 3.14159265358979323846;

// Max error of vorticity and Q of u = (sin z + y², cos x, sin x · y) on an (n, n, n) channel grid.
std::pair<double, double> errors(std::size_t n) {
  const double l = 2 * kPi;
  const auto grid = pp::channel_grid(n, n, l, l, eddyop::test::stretched_y(n + 1));
  const std::size_t nx = n, ny = n + 1, nz = n, np = nx * ny * nz;
  std::vector<double> u(3 * np);
  const auto& y = grid.coords[1];
  for (std::size_t i = 0; i < nx; ++i)
    for (std::size_t j = 0; j < ny; ++j)
      for (std::size_t k = 0; k < nz; ++k) {
        const double x = grid.coords[0][i], z = grid.coords[2][k];
        const std::size_t p = (i * ny + j) * nz + k;
        u[p] = std::sin(z) + y[j] * y[j];
        u[np + p] = std::cos(x);
        u[2 * np + p] = std::sin(x) * y[j];
      }
  std::vector<double> w, q;
  pp::vorticity_and_q(&w, &q, u, grid);
  double ew = 0.0, eq = 0.0;
  for (std::size_t i = 0; i < nx; ++i)
    for (std::size_t j = 0; j < ny; ++j)
      for (std::size_t k = 0; k < nz; ++k) {
        const double x = grid.coords[0][i], yy = y[j], z = grid.coords[2][k];
        const std::size_t p = (i * ny + j) * nz + k;
        // grad: du/dy = 2y, du/dz = cos z, dv/dx = -sin x, dw/dx = cos x · y, dw/dy = sin x
        const double wx = std::sin(x) - 0.0, wy = std::cos(z) - std::cos(x) * yy,
                     wz = -std::sin(x) - 2 * yy;
        ew = std::max(
            {ew, std::abs(w[p] - wx), std::abs(w[np + p] - wy), std::abs(w[2 * np + p] - wz)});
        double g[3][3] = {
            {0, 2 * yy, std::cos(z)}, {-std::sin(x), 0, 0}, {std::cos(x) * yy, std::sin(x), 0}};
        double qq = 0.0;
        for (int a = 0; a < 3; ++a)
          for (int b = 0; b < 3; ++b) qq -= 0.5 * g[a][b] * g[b][a];  // Q = -½ tr(∇u ∇u)
        eq = std::max(eq, std::abs(q[p] - qq));
      }
  return {ew, eq};
}
}  // namespace

TEST(DerivedFields, WallNormalDerivativeIsExactForQuadraticsOnAStretchedGrid) {
  const auto grid = pp::channel_grid(3, 2, 1.0, 1.0, eddyop::test::stretched_y(11, 1.0, 2.5));
  const std::size_t ny = 11, np = 3 * ny * 2;
  std::vector<double> u(3 * np, 0.0);
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < ny; ++j)
      for (std::size_t k = 0; k < 2; ++k) {
        const double y = grid.coords[1][j];
        u[(i * ny + j) * 2 + k] = 1.5 * y * (2 - y);  // Poiseuille
      }
  std::vector<double> w, q;
  pp::vorticity_and_q(&w, &q, u, grid);
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < ny; ++j)
      for (std::size_t k = 0; k < 2; ++k) {
        const std::size_t p = (i * ny + j) * 2 + k;
        const double y = grid.coords[1][j];
        EXPECT_NEAR(w[2 * np + p], -1.5 * (2 - 2 * y), 1e-12);  // ω_z = -dU/dy
        EXPECT_NEAR(w[p], 0.0, 1e-12);
        EXPECT_NEAR(q[p], 0.0, 1e-12);  // pure shear: |Ω| = |S|
      }
}

TEST(DerivedFields, VorticityAndQConvergeAtSecondOrder) {
  const auto [w16, q16] = errors(16);
  const auto [w32, q32] = errors(32);
  EXPECT_LT(w32, 0.1);
  EXPECT_GT(std::log2(w16 / w32), 1.8) << w16 << " " << w32;
  EXPECT_GT(std::log2(q16 / q32), 1.8) << q16 << " " << q32;
}

TEST(DerivedFields, MismatchedVelocityIsAnError) {
  const auto grid = pp::channel_grid(3, 2, 1.0, 1.0, {0.0, 1.0, 2.0});
  std::vector<double> u(3 * 3 * 3 * 2 - 1);
  std::vector<double> w;
  EXPECT_THROW(pp::vorticity_and_q(&w, nullptr, u, grid), eddyop::Error);
}
