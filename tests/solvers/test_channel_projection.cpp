// The pressure projection of the channel solver: after it, the discrete divergence vanishes to
// round-off on stretched and uniform grids, and laminar Poiseuille flow is a steady state.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "solvers/channel/solver.hpp"

using namespace eddyop::solvers::channel;

namespace {

ChannelParams small(int nx, int ny, int nz, double stretching) {
  ChannelParams p;
  p.nx = nx;
  p.ny = ny;
  p.nz = nz;
  p.stretching = stretching;
  p.fftw_planner = "estimate";
  p.out_nx = 1;
  p.out_ny = 2;
  p.out_nz = 1;
  return p;
}

void random_state(ChannelSolver& s, unsigned seed) {
  const Grid& g = s.grid();
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> d(-1.0, 1.0);
  const std::size_t n = static_cast<std::size_t>(g.nzl) * g.ncy * g.nx;
  std::vector<double> u(n), v(n), w(n), p(n, 0.0);
  for (std::size_t q = 0; q < n; ++q) {
    u[q] = d(rng);
    v[q] = (q / g.nx) % g.ncy == static_cast<std::size_t>(g.ncy - 1) ? 0.0 : d(rng);
    w[q] = d(rng);
  }
  s.set_state(u, v, w, p, 0.0);
}

}  // namespace

TEST(ChannelProjection, DivergenceVanishesToRoundOffOnStretchedGrid) {
  for (double beta : {0.0, 2.0}) {
    ChannelSolver s(small(16, 17, 12, beta), MPI_COMM_SELF);
    random_state(s, 7);
    const double before = s.max_divergence();
    s.project();
    const double after = s.max_divergence();
    // Divergences of an O(1) random field are O(1/Δy_min) ~ 1e2; after the exact discrete
    // solve only round-off of that size times the condition of the y solve remains.
    EXPECT_GT(before, 1.0);
    EXPECT_LT(after, 1e-11 * before) << "stretching " << beta;
  }
}

TEST(ChannelProjection, DivergenceStaysAtRoundOffDuringSteps) {
  ChannelParams p = small(16, 17, 8, 1.5);
  ChannelSolver s(p, MPI_COMM_SELF);
  s.set_laminar_with_trip(dean_bulk_velocity(p.re_tau), 3, 0.5);
  for (int n = 0; n < 5; ++n) s.step();
  EXPECT_LT(s.max_divergence(), 1e-10);
}

TEST(ChannelPoiseuille, DiscreteLaminarFlowIsSteadyToRoundOff) {
  for (bool implicit : {true, false}) {
    ChannelParams p = small(8, 33, 4, 2.0);
    p.implicit_y = implicit;
    p.re_tau = 50.0;
    ChannelSolver s(p, MPI_COMM_SELF);
    const Grid& g = s.grid();
    const std::vector<double> prof = discrete_poiseuille(g, p.nu(), 2.0 / g.ly);
    const std::size_t n = static_cast<std::size_t>(g.nzl) * g.ncy * g.nx;
    std::vector<double> u(n), zero(n, 0.0);
    for (std::size_t q = 0; q < n; ++q) u[q] = prof[(q / g.nx) % g.ncy];
    s.set_state(u, zero, zero, zero, 0.0);
    for (int k = 0; k < 20; ++k) s.step();
    std::vector<double> u1, v1, w1, p1;
    s.get_state(u1, v1, w1, p1);
    double du = 0.0, dv = 0.0, umax = 0.0;
    for (std::size_t q = 0; q < n; ++q) {
      du = std::max(du, std::abs(u1[q] - u[q]));
      dv = std::max({dv, std::abs(v1[q]), std::abs(w1[q])});
      umax = std::max(umax, std::abs(u[q]));
    }
    // 20 steps of a few hundred flops per value: a few ulps of the centreline velocity each.
    EXPECT_LT(du, 1e-12 * umax) << "implicit_y " << implicit;
    EXPECT_LT(dv, 1e-12 * umax);
    EXPECT_NEAR(s.re_tau(), p.re_tau, 0.02 * p.re_tau);  // wall gradient to O(Δy)
  }
}

TEST(ChannelPoiseuille, DiscreteLaminarProfileConvergesAtSecondOrder) {
  // Uniform grid: u = y(2 - y) / (2ν) with -dP/dx = 1; the ghost-cell wall condition is second
  // order, so the error must fall by ~4 per halving.
  std::vector<double> err;
  for (int ny : {9, 17, 33, 65}) {
    ChannelParams p = small(8, ny, 4, 0.0);
    Grid g = make_grid(p, MPI_COMM_SELF);
    const std::vector<double> prof = discrete_poiseuille(g, p.nu(), 1.0);
    double e = 0.0;
    for (int j = 0; j < g.ncy; ++j) {
      const double y = g.Yc(j);
      e = std::max(e, std::abs(prof[j] - y * (2.0 - y) / (2.0 * p.nu())));
    }
    err.push_back(e);
  }
  for (std::size_t q = 1; q < err.size(); ++q) {
    const double order = std::log2(err[q - 1] / err[q]);
    EXPECT_NEAR(order, 2.0, 0.1) << "levels " << q - 1 << ", " << q;
  }
}
