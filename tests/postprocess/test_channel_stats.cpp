// Channel statistics of synthetic fields with known profiles: laminar Poiseuille flow gives Re_tau,
// U+, U_b and U_c exactly; prescribed fluctuations give the prescribed rms and <u'v'>.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "postprocess/channel_stats.hpp"
#include "tests/postprocess/helpers.hpp"

namespace pp = eddyop::postprocess;

namespace {

constexpr double kPi = 3.14159265358979323846;

struct Field {
  std::size_t nt, nx, ny, nz;
  std::vector<double> v;
  double& at(std::size_t t, std::size_t c, std::size_t i, std::size_t j, std::size_t k) {
    return v[(((t * 3 + c) * nx + i) * ny + j) * nz + k];
  }
};

// Poiseuille flow U = G y (2h - y) / (2 nu): tau_w = G h.
constexpr double kNu = 0.01, kG = 3.24, kH = 1.0;
double poiseuille(double y) {
  return kG * y * (2 * kH - y) / (2 * kNu);
}

Field laminar(const std::vector<double>& y, std::size_t nt, std::size_t nx, std::size_t nz) {
  Field f{nt, nx, y.size(), nz, std::vector<double>(nt * 3 * nx * y.size() * nz, 0.0)};
  for (std::size_t t = 0; t < nt; ++t)
    for (std::size_t i = 0; i < nx; ++i)
      for (std::size_t j = 0; j < y.size(); ++j)
        for (std::size_t k = 0; k < nz; ++k) f.at(t, 0, i, j, k) = poiseuille(y[j]);
  return f;
}

}  // namespace

TEST(ChannelStats, LaminarPoiseuilleGivesExactReTauAndWallUnitsOnAStretchedGrid) {
  const auto y = eddyop::test::stretched_y(33);
  const auto grid = pp::channel_grid(4, 3, 2 * kPi, kPi, y);
  const auto f = laminar(y, 2, 4, 3);
  const auto s = pp::channel_statistics(grid, f.v, 2, {kNu});

  const double u_tau = std::sqrt(kG * kH);
  EXPECT_NEAR(s.tau_wall, kG * kH, 1e-10);
  EXPECT_NEAR(s.tau_wall_bottom, s.tau_wall_top, 1e-10);
  EXPECT_NEAR(s.u_tau, u_tau, 1e-12);
  EXPECT_NEAR(s.re_tau, 180.0, 1e-9);
  EXPECT_NEAR(s.u_centre, poiseuille(kH), 1e-9);
  EXPECT_NEAR(s.u_bulk, 2.0 / 3.0 * poiseuille(kH), 1e-9);
  EXPECT_NEAR(s.cf, kG * kH / (0.5 * s.u_bulk * s.u_bulk), 1e-12);
  EXPECT_EQ(s.samples, 2u);
  ASSERT_EQ(s.y.size(), 17u);
  EXPECT_DOUBLE_EQ(s.y.front(), 0.0);
  EXPECT_NEAR(s.y.back(), kH, 1e-14);
  for (std::size_t j = 0; j < s.y.size(); ++j) {
    const double yp = s.y[j] * u_tau / kNu;
    EXPECT_NEAR(s.y_plus[j], yp, 1e-9);
    // Laminar in wall units: U+ = y+ - y+² / (2 Re_tau), total stress+ = 1 - y/h.
    EXPECT_NEAR(s.u_plus[j], yp - yp * yp / (2 * 180.0), 1e-9);
    EXPECT_NEAR(s.total_stress_plus[j], 1.0 - s.y[j] / kH, 1e-9);
    EXPECT_NEAR(s.u_rms[j], 0.0, 1e-12);
    EXPECT_NEAR(s.uv[j], 0.0, 1e-12);
  }
}

TEST(ChannelStats, CellCentredGridAddsTheWallsAsNodes) {
  const auto nodes = eddyop::test::stretched_y(25);
  std::vector<double> y;
  for (std::size_t j = 0; j + 1 < nodes.size(); ++j) y.push_back(0.5 * (nodes[j] + nodes[j + 1]));
  const auto grid = pp::channel_grid(2, 2, 1.0, 1.0, y);
  const auto f = laminar(y, 1, 2, 2);
  pp::ChannelStatsOptions o;
  o.nu = kNu;
  o.y_bottom = 0.0;
  o.y_top = 2.0;
  const auto s = pp::channel_statistics(grid, f.v, 1, o);
  EXPECT_NEAR(s.re_tau, 180.0, 1e-9);
  EXPECT_NEAR(s.u_bulk, 2.0 / 3.0 * poiseuille(kH), 1e-9);
  EXPECT_NEAR(s.u_centre, poiseuille(kH), 1e-9);
  EXPECT_DOUBLE_EQ(s.y.front(), 0.0);
  EXPECT_NEAR(s.y[1], y[0], 1e-15);
}

TEST(ChannelStats, PrescribedFluctuationsGiveTheirRmsAndShearStress) {
  // u' = a(y) cos(kx x + ωt), v' = b(y) cos(kx x + ωt), w' = c(y) sin(kz z):
  // <u'u'> = a²/2, <v'v'> = b²/2, <w'w'> = c²/2, <u'v'> = a b / 2, with a, c even and b odd
  // about the centreline (so <u'v'> is odd, as in a channel).
  const auto y = eddyop::test::stretched_y(21);
  const std::size_t nt = 3, nx = 8, nz = 6;
  const auto grid = pp::channel_grid(nx, nz, 2 * kPi, kPi, y);
  auto f = laminar(y, nt, nx, nz);
  auto a = [](double yy) { return 0.3 * yy * (2 - yy); };
  auto b = [](double yy) { return 0.5 * (yy - 1) * yy * (2 - yy); };
  auto c = [](double yy) { return 0.2 * yy * (2 - yy); };
  for (std::size_t t = 0; t < nt; ++t)
    for (std::size_t i = 0; i < nx; ++i)
      for (std::size_t j = 0; j < y.size(); ++j)
        for (std::size_t k = 0; k < nz; ++k) {
          const double ph = std::cos(2 * kPi * 2 * i / nx + 0.9 * t);
          f.at(t, 0, i, j, k) += a(y[j]) * ph;
          f.at(t, 1, i, j, k) = b(y[j]) * ph;
          f.at(t, 2, i, j, k) = c(y[j]) * std::sin(2 * kPi * k / nz);
        }
  const auto s = pp::channel_statistics(grid, f.v, nt, {kNu});
  for (std::size_t j = 0; j < s.y.size(); ++j) {
    const double yy = s.y[j];
    EXPECT_NEAR(s.u_rms[j], std::abs(a(yy)) / std::sqrt(2.0), 1e-12) << "y " << yy;
    EXPECT_NEAR(s.v_rms[j], std::abs(b(yy)) / std::sqrt(2.0), 1e-12) << "y " << yy;
    EXPECT_NEAR(s.w_rms[j], std::abs(c(yy)) / std::sqrt(2.0), 1e-12) << "y " << yy;
    EXPECT_NEAR(s.uv[j], a(yy) * b(yy) / 2, 1e-12) << "y " << yy;
    EXPECT_NEAR(s.uv_plus[j], a(yy) * b(yy) / 2 / s.tau_wall, 1e-12);
    EXPECT_NEAR(s.total_stress[j], kNu * s.dudy[j] - a(yy) * b(yy) / 2, 1e-12);
    EXPECT_NEAR(s.u_mean[j], poiseuille(yy), 1e-9);
    EXPECT_NEAR(s.v_mean[j], 0.0, 1e-12);
  }
  // The unfolded profile keeps the sign change of <u'v'> across the centre.
  EXPECT_NEAR(s.uv_full.front() + s.uv_full.back(), 0.0, 1e-12);
  EXPECT_LT(s.uv_full[2], 0.0);
  EXPECT_GT(s.uv_full[y.size() - 3], 0.0);
}

TEST(ChannelStats, MismatchedVelocityShapeIsAnErrorNamingTheShape) {
  const auto y = eddyop::test::stretched_y(9);
  const auto grid = pp::channel_grid(4, 4, 1.0, 1.0, y);
  std::vector<double> wrong(2 * 4 * 9 * 4);  // two components instead of three
  try {
    pp::channel_statistics(grid, wrong, 1, {kNu});
    FAIL() << "no error";
  } catch (const eddyop::Error& e) {
    EXPECT_EQ(e.component(), "channel-stats");
    EXPECT_NE(e.message().find("velocity (nt, 3, nx, ny, nz)"), std::string::npos) << e.what();
  }
  EXPECT_THROW(pp::channel_statistics(grid, pp::ArrayRef(), 1, {kNu}), eddyop::Error);
}

TEST(ChannelStats, AsymmetricGridReversedFlowAndBadViscosityAreErrors) {
  const std::vector<double> y = {0.0, 0.1, 0.5, 1.0, 1.6, 1.9, 2.0};
  const auto grid = pp::channel_grid(2, 2, 1.0, 1.0, y);
  const auto f = laminar(y, 1, 2, 2);
  try {
    pp::channel_statistics(grid, f.v, 1, {kNu});
    FAIL() << "no error";
  } catch (const eddyop::Error& e) {
    EXPECT_NE(e.message().find("not symmetric"), std::string::npos) << e.what();
  }
  const auto ys = eddyop::test::stretched_y(9);
  const auto g2 = pp::channel_grid(2, 2, 1.0, 1.0, ys);
  auto back = laminar(ys, 1, 2, 2);
  for (auto& v : back.v) v = -v;
  EXPECT_THROW(pp::channel_statistics(g2, back.v, 1, {kNu}), eddyop::Error);
  EXPECT_THROW(pp::channel_statistics(g2, laminar(ys, 1, 2, 2).v, 1, {0.0}), eddyop::Error);
}

TEST(ChannelStats, NonUniformDerivativeAndIntegralAreExactForQuadratics) {
  const std::vector<double> y = {0.0, 0.05, 0.2, 0.6, 1.1, 1.3};
  std::vector<double> f;
  for (double v : y) f.push_back(2 + 3 * v - 4 * v * v);
  const auto d = pp::derivative_nonuniform(y, f);
  for (std::size_t j = 0; j < y.size(); ++j) EXPECT_NEAR(d[j], 3 - 8 * y[j], 1e-12);
  const double b = 1.3;
  EXPECT_NEAR(pp::integrate_nonuniform(y, f), 2 * b + 1.5 * b * b - 4.0 / 3.0 * b * b * b, 1e-12);
}

TEST(ChannelStats, SlabBySlabAccumulationEqualsAllSamplesAtOnce) {
  const auto y = eddyop::test::stretched_y(11);
  const std::size_t nt = 4, nx = 4, nz = 3;
  const auto grid = pp::channel_grid(nx, nz, 1.0, 1.0, y);
  auto f = laminar(y, nt, nx, nz);
  const auto noise = eddyop::test::random_values(f.v.size(), 21);
  for (std::size_t i = 0; i < f.v.size(); ++i) f.v[i] += 0.1 * noise[i];
  const auto whole = pp::channel_statistics(grid, f.v, nt, {kNu});
  pp::ChannelStatsAccumulator acc(grid, {kNu});
  const std::size_t slab = 3 * grid.points();
  acc.add(pp::ArrayRef(f.v.data(), slab), 1);
  acc.add(pp::ArrayRef(f.v.data() + slab, 3 * slab), 3);
  const auto parts = acc.result();
  EXPECT_EQ(parts.samples, nt);
  EXPECT_NEAR(parts.re_tau, whole.re_tau, 1e-10);
  for (std::size_t j = 0; j < whole.y.size(); ++j) {
    EXPECT_NEAR(parts.u_rms[j], whole.u_rms[j], 1e-12);
    EXPECT_NEAR(parts.uv[j], whole.uv[j], 1e-12);
    EXPECT_NEAR(parts.u_mean[j], whole.u_mean[j], 1e-10);
  }
}
