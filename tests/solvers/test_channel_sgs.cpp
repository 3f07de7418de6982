// Subgrid models on analytic velocity gradients, and the dynamic procedure's least squares.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <utility>
#include <vector>

#include "solvers/channel/sgs.hpp"
#include "solvers/channel/solver.hpp"
#include "tests/solvers/channel_fixtures.hpp"

using namespace eddyop::solvers::channel;

namespace {
void zero(Gradient& g) {
  for (auto& r : g)
    for (double& x : r) x = 0.0;
}
}  // namespace

TEST(ChannelSgs, WaleVanishesForPureShear) {
  Gradient g;
  zero(g);
  g[0][1] = 3.7;  // u = 3.7 y
  EXPECT_EQ(wale_nu_t(g, 0.1, 0.5), 0.0);
  // Smagorinsky does not: it sees |S| = 3.7.
  EXPECT_NEAR(smagorinsky_nu_t(g, 0.1, 0.1, 1.0), 1e-4 * 3.7, 1e-15);
}

TEST(ChannelSgs, SolidBodyRotationHasNoStrainButWaleKeepsItsRotationPart) {
  // u = -Ω y, v = Ω x: S = 0, so Smagorinsky gives 0. WALE's S^d = ½(g² + g²ᵀ) - ⅓ tr(g²) I
  // is diag(-⅓, -⅓, ⅔) Ω² here, not zero (Nicoud & Ducros built WALE to vanish in pure shear;
  // vanishing in solid rotation is the σ-model's property, Nicoud et al. 2011), and with S = 0
  // WALE reduces to (C_w Δ)² (S^d:S^d)^{1/4} = (C_w Δ)² (⅔)^{1/4} Ω.
  const double om = 2.0, delta = 0.05, cw = 0.5;
  Gradient g;
  zero(g);
  g[0][1] = -om;
  g[1][0] = om;
  EXPECT_EQ(strain_magnitude(g), 0.0);
  EXPECT_EQ(smagorinsky_nu_t(g, delta, 0.1, 1.0), 0.0);
  const double l = cw * delta;
  EXPECT_NEAR(wale_nu_t(g, delta, cw), l * l * std::pow(2.0 / 3.0, 0.25) * om, 1e-15);
}

TEST(ChannelSgs, WaleGrowsLikeTheCubeOfTheWallDistance) {
  // Near a wall g = shear + y B: the shear part cancels in S^d, so ν_t ∝ y³.
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> d(-1, 1);
  double b[3][3];
  for (auto& r : b)
    for (double& x : r) x = d(rng);
  auto at = [&](double y) {
    Gradient g;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) g[i][j] = y * b[i][j];
    g[0][1] += 5.0;
    return wale_nu_t(g, 0.1, 0.5);
  };
  EXPECT_NEAR(at(2e-4) / at(1e-4), 8.0, 0.01);
}

TEST(ChannelSgs, SmagorinskyMatchesTheFormula) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> d(-2, 2);
  for (int t = 0; t < 20; ++t) {
    Gradient g;
    for (auto& r : g)
      for (double& x : r) x = d(rng);
    double ss = 0.0;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) ss += 0.25 * (g[i][j] + g[j][i]) * (g[i][j] + g[j][i]);
    const double y_plus = 7.0, damping = 1.0 - std::exp(-y_plus / 26.0), delta = 0.03;
    const double expected = std::pow(0.1 * damping * delta, 2) * std::sqrt(2.0 * ss);
    EXPECT_NEAR(smagorinsky_nu_t(g, delta, 0.1, van_driest(y_plus, 26.0)), expected,
                1e-14 * expected);
  }
}

TEST(ChannelSgs, GermanoLillyRecoversAKnownCoefficient) {
  // L = C₀ M + R with R orthogonal to M (in the L:M inner product with off-diagonals twice):
  // the least-squares coefficient is exactly C₀.
  const long n = 500;
  const double c0 = 0.0123;
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> d(-1, 1);
  std::vector<double> m(6 * n), r(6 * n), l(6 * n);
  for (double& x : m) x = d(rng);
  for (double& x : r) x = d(rng);
  auto dot = [&](const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (long q = 0; q < n; ++q)
      for (int c = 0; c < 6; ++c) s += (c < 3 ? 1.0 : 2.0) * a[6 * q + c] * b[6 * q + c];
    return s;
  };
  const double proj = dot(r, m) / dot(m, m);
  for (std::size_t q = 0; q < l.size(); ++q) l[q] = c0 * m[q] + (r[q] - proj * m[q]);
  EXPECT_NEAR(germano_lilly_coefficient(l.data(), m.data(), n), c0, 1e-14);
  std::vector<double> zeros(6 * n, 0.0);
  EXPECT_EQ(germano_lilly_coefficient(l.data(), zeros.data(), n), 0.0);
}

TEST(ChannelSgs, DynamicCoefficientVanishesForAFlowTheTestFilterCannotSee) {
  // u = u(y) only: the x–z test filter leaves it unchanged, so L = 0 and C(y) = 0; a tripped
  // turbulent-like field gives a clipped C in [0, c_max] on every plane.
  ChannelParams p;
  p.nx = 16;
  p.ny = 17;
  p.nz = 8;
  p.sgs = SgsModel::dynamic_smagorinsky;
  p.fftw_planner = "estimate";
  p.out_nx = 1;
  p.out_ny = 2;
  p.out_nz = 1;
  ChannelSolver s(p, MPI_COMM_SELF);
  s.set_laminar_with_trip(15.0, 1, 0.0);
  s.step(1e-4);
  for (double c : s.dynamic_coefficient()) EXPECT_EQ(c, 0.0);
  s.set_laminar_with_trip(15.0, 1, 0.8);
  s.step(1e-4);
  double sum = 0.0;
  for (double c : s.dynamic_coefficient()) {
    EXPECT_GE(c, 0.0);
    EXPECT_LE(c, p.dynamic_c_max);
    sum += c;
  }
  EXPECT_GT(sum, 0.0);
}

TEST(ChannelSgs, DynamicCoefficientEqualsAPlainTwin) {
  // The point-by-point, flat-filtered dynamic procedure against the obvious one: centre_gradient
  // at every cell of the extended plane, the (¼, ½, ¼) filter in x then z per quantity, the
  // Germano identity and germano_lilly_coefficient() over the plane.
  ChannelParams p = eddyop::testing::small_channel(SgsModel::dynamic_smagorinsky);
  ChannelSolver s(p, MPI_COMM_SELF);
  s.set_laminar_with_trip(15.0, 3, 0.8);
  s.step(1e-3);
  const Grid& g = s.grid();
  Field nu(g);
  SgsWork work;
  sgs_viscosity(nu, s.u(), s.v(), s.w(), g, p, work);
  const int sym[6][2] = {{0, 0}, {1, 1}, {2, 2}, {0, 1}, {0, 2}, {1, 2}};
  const int ex = g.nx + 2, ez = g.nzl + 2;
  auto at = [ex](int i, int k) { return static_cast<std::size_t>(k + 1) * ex + (i + 1); };
  int clipped = 0;
  for (int j = 0; j < g.ncy; ++j) {
    std::vector<std::vector<double>> q(21, std::vector<double>(static_cast<std::size_t>(ex) * ez));
    for (int k = -1; k <= g.nzl; ++k)
      for (int i = -1; i <= g.nx; ++i) {
        Gradient d;
        centre_gradient(d, s.u(), s.v(), s.w(), g, i, j, k);
        const double vel[3] = {0.5 * (s.u()(i, j, k) + s.u()(i - 1, j, k)),
                               0.5 * (s.v()(i, j, k) + s.v()(i, j - 1, k)),
                               0.5 * (s.w()(i, j, k) + s.w()(i, j, k - 1))};
        for (int a = 0; a < 3; ++a) q[a][at(i, k)] = vel[a];
        for (int c = 0; c < 6; ++c) {
          const int a = sym[c][0], b = sym[c][1];
          const double sab = 0.5 * (d[a][b] + d[b][a]);
          q[3 + c][at(i, k)] = vel[a] * vel[b];
          q[9 + c][at(i, k)] = strain_magnitude(d) * sab;
          q[15 + c][at(i, k)] = sab;
        }
      }
    auto filtered = [&](int n, int i, int k) {
      auto fx = [&](int kk) {
        return 0.25 * q[n][at(i - 1, kk)] + 0.5 * q[n][at(i, kk)] + 0.25 * q[n][at(i + 1, kk)];
      };
      return 0.25 * fx(k - 1) + 0.5 * fx(k) + 0.25 * fx(k + 1);
    };
    const double delta = std::cbrt(g.dx * g.Dyf(j) * g.dz);
    std::vector<double> l, m;
    for (int k = 0; k < g.nzl; ++k)
      for (int i = 0; i < g.nx; ++i) {
        double sh[6], ss = 0.0, lij[6];
        for (int c = 0; c < 6; ++c) {
          sh[c] = filtered(15 + c, i, k);
          ss += (c < 3 ? 1.0 : 2.0) * sh[c] * sh[c];
          lij[c] = filtered(3 + c, i, k) - filtered(sym[c][0], i, k) * filtered(sym[c][1], i, k);
        }
        const double trace = (lij[0] + lij[1] + lij[2]) / 3.0;
        for (int c = 0; c < 6; ++c) {
          l.push_back(lij[c] - (c < 3 ? trace : 0.0));
          m.push_back(2.0 * delta * delta *
                      (filtered(9 + c, i, k) -
                       kTestFilterRatio * kTestFilterRatio * std::sqrt(2.0 * ss) * sh[c]));
        }
      }
    const double raw = germano_lilly_coefficient(l.data(), m.data(), g.nx * g.nzl);
    const double expected = std::clamp(raw, 0.0, p.dynamic_c_max);
    if (expected != raw) ++clipped;
    EXPECT_NEAR(work.coefficient[j], expected, 1e-12 * std::max(1e-3, std::abs(expected)))
        << "plane " << j;
  }
  EXPECT_LT(clipped, g.ncy) << "every plane clipped: the comparison saw no coefficient";
}

TEST(ChannelSgs, FieldKernelsEqualThePointwiseFormulas) {
  // The vectorised row kernels of sgs_viscosity() against the plain functions of the gradient
  // at every cell: same differences, different operation order (sqrt for pow), so ~1e-15.
  for (SgsModel model : {SgsModel::smagorinsky, SgsModel::wale, SgsModel::dynamic_smagorinsky}) {
    ChannelParams p = eddyop::testing::small_channel(model);
    ChannelSolver s(p, MPI_COMM_SELF);
    s.set_laminar_with_trip(15.0, 2, 0.8);
    s.step(1e-3);
    const Grid& g = s.grid();
    Field nu(g);
    SgsWork work;
    sgs_viscosity(nu, s.u(), s.v(), s.w(), g, p, work);
    double worst = 0.0;
    for (int k = 0; k < g.nzl; ++k)
      for (int j = 0; j < g.ncy; ++j) {
        const double delta = std::cbrt(g.dx * g.Dyf(j) * g.dz);
        const double y_plus = std::min(g.Yc(j), g.ly - g.Yc(j)) * p.re_tau;
        for (int i = 0; i < g.nx; ++i) {
          Gradient d;
          centre_gradient(d, s.u(), s.v(), s.w(), g, i, j, k);
          double expected = 0.0;
          if (model == SgsModel::smagorinsky)
            expected = smagorinsky_nu_t(d, delta, p.cs, van_driest(y_plus, p.van_driest_a));
          else if (model == SgsModel::wale)
            expected = wale_nu_t(d, delta, p.cw);
          else
            expected = work.coefficient[j] * delta * delta * strain_magnitude(d);
          worst = std::max(worst, std::abs(nu(i, j, k) - expected) / (std::abs(expected) + 1e-300));
        }
      }
    EXPECT_LT(worst, 1e-12) << sgs_name(model);
  }
}

TEST(ChannelSgs, ForceEqualsThePlainDivergenceOfTheStress) {
  // sgs_force() evaluates each edge stress once and reuses it from row and plane buffers; the
  // plain twin evaluates every edge where it is needed. Same arithmetic per value: equal.
  ChannelParams p = eddyop::testing::small_channel(SgsModel::wale);
  ChannelSolver s(p, MPI_COMM_SELF);
  s.set_laminar_with_trip(15.0, 3, 0.8);
  s.step(1e-3);
  const Grid& g = s.grid();
  Field nu(g), fu(g), fv(g), fw(g);
  SgsWork work;
  sgs_viscosity(nu, s.u(), s.v(), s.w(), g, p, work);
  update_halo(nu, g, Wall::odd);
  sgs_force(fu, fv, fw, nu, s.u(), s.v(), s.w(), g, work);
  const Field &U = s.u(), &V = s.v(), &W = s.w();
  const double dxi = 1.0 / g.dx, dzi = 1.0 / g.dz;
  auto nu4 = [&](int i0, int j0, int k0, int di, int dj, int dk) {
    // ν_t averaged over the four cells around an edge: (i0, j0, k0) and the two offsets.
    return 0.25 * (nu(i0, j0, k0) + nu(i0 + di, j0, k0) + nu(i0, j0 + dj, k0 + dk) +
                   nu(i0 + di, j0 + dj, k0 + dk));
  };
  auto sxy = [&](int i, int j, int k) {  // 2 ν_t S_xy on the edge (x-face i, y-face j)
    return nu4(i, j, k, 1, 1, 0) *
           ((U(i, j + 1, k) - U(i, j, k)) / g.Dyc(j) + (V(i + 1, j, k) - V(i, j, k)) * dxi);
  };
  auto sxz = [&](int i, int j, int k) {
    return 0.25 * (nu(i, j, k) + nu(i + 1, j, k) + nu(i, j, k + 1) + nu(i + 1, j, k + 1)) *
           ((U(i, j, k + 1) - U(i, j, k)) * dzi + (W(i + 1, j, k) - W(i, j, k)) * dxi);
  };
  auto syz = [&](int i, int j, int k) {
    return 0.25 * (nu(i, j, k) + nu(i, j + 1, k) + nu(i, j, k + 1) + nu(i, j + 1, k + 1)) *
           ((V(i, j, k + 1) - V(i, j, k)) * dzi + (W(i, j + 1, k) - W(i, j, k)) / g.Dyc(j));
  };
  double worst = 0.0, scale = 0.0;
  for (int k = 0; k < g.nzl; ++k)
    for (int j = 0; j < g.ncy; ++j)
      for (int i = 0; i < g.nx; ++i) {
        const double eu = 2.0 *
                              (nu(i + 1, j, k) * (U(i + 1, j, k) - U(i, j, k)) -
                               nu(i, j, k) * (U(i, j, k) - U(i - 1, j, k))) *
                              dxi * dxi +
                          (sxy(i, j, k) - sxy(i, j - 1, k)) / g.Dyf(j) +
                          (sxz(i, j, k) - sxz(i, j, k - 1)) * dzi;
        const double ew = (sxz(i, j, k) - sxz(i - 1, j, k)) * dxi +
                          (syz(i, j, k) - syz(i, j - 1, k)) / g.Dyf(j) +
                          2.0 *
                              (nu(i, j, k + 1) * (W(i, j, k + 1) - W(i, j, k)) -
                               nu(i, j, k) * (W(i, j, k) - W(i, j, k - 1))) *
                              dzi * dzi;
        const double ev =
            j < g.ncy - 1
                ? (sxy(i, j, k) - sxy(i - 1, j, k)) * dxi +
                      2.0 *
                          (nu(i, j + 1, k) * (V(i, j + 1, k) - V(i, j, k)) / g.Dyf(j + 1) -
                           nu(i, j, k) * (V(i, j, k) - V(i, j - 1, k)) / g.Dyf(j)) /
                          g.Dyc(j) +
                      (syz(i, j, k) - syz(i, j, k - 1)) * dzi
                : 0.0;
        for (const auto& [got, want] :
             {std::pair{fu(i, j, k), eu}, std::pair{fv(i, j, k), ev}, std::pair{fw(i, j, k), ew}}) {
          worst = std::max(worst, std::abs(got - want));
          scale = std::max(scale, std::abs(want));
        }
      }
  EXPECT_GT(scale, 0.0);
  EXPECT_LT(worst, 1e-12 * scale);
}
