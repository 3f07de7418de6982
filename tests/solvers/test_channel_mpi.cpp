// Two ranks (z slabs, x-wavenumber slabs in the pressure solve) give the one-rank result to
// round-off, with and without the dynamic model's plane averages; the coarse training fields
// and a checkpoint written by two ranks match those of one.
#include <gtest/gtest.h>
#include <mpi.h>
#include <petscdmda.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <vector>

#include "solvers/channel/output.hpp"
#include "solvers/channel/solver.hpp"
#include "tests/solvers/channel_fixtures.hpp"

using namespace eddyop;
using namespace eddyop::solvers::channel;

namespace {

ChannelParams small(SgsModel model) {
  return eddyop::testing::small_channel(model);
}

}  // namespace

TEST(ChannelMpi, SlabsAndNeighboursComeFromTheDmda) {
  ChannelParams p = small(SgsModel::none);
  p.nz = 9;  // not divisible by 2: the first rank gets one plane more
  const Grid g = make_grid(p, MPI_COMM_WORLD);
  ASSERT_TRUE(g.da);
  PetscInt dim = 0, M = 0, N = 0, P = 0, m = 0, n = 0, q = 0, dof = 0, s = 0;
  DMBoundaryType bx, by, bz;
  DMDAStencilType st;
  ASSERT_EQ(DMDAGetInfo(g.da.get(), &dim, &M, &N, &P, &m, &n, &q, &dof, &s, &bx, &by, &bz, &st), 0);
  EXPECT_EQ(dim, 3);
  EXPECT_EQ(M, g.nx);
  EXPECT_EQ(N, g.ncy);
  EXPECT_EQ(P, 9);
  EXPECT_EQ(m, 1);
  EXPECT_EQ(n, 1);
  EXPECT_EQ(q, g.size);
  EXPECT_EQ(s, kGhost);
  EXPECT_EQ(bx, DM_BOUNDARY_PERIODIC);
  EXPECT_EQ(by, DM_BOUNDARY_NONE);
  EXPECT_EQ(bz, DM_BOUNDARY_PERIODIC);
  int total = 0;
  for (int r = 0; r < g.size; ++r) {
    EXPECT_EQ(g.z_start[r], total);
    EXPECT_EQ(g.z_count[r], 9 / g.size + (r < 9 % g.size ? 1 : 0));
    total += g.z_count[r];
  }
  EXPECT_EQ(total, 9);
  EXPECT_EQ(g.z0, g.z_start[g.rank]);
  EXPECT_EQ(g.nzl, g.z_count[g.rank]);
  EXPECT_EQ(g.z_up, (g.rank + 1) % g.size);
  EXPECT_EQ(g.z_down, (g.rank + g.size - 1) % g.size);
  const Grid copy = g;  // copies share the DM
  EXPECT_EQ(copy.da.get(), g.da.get());
}

TEST(ChannelMpi, TwoRanksGiveTheOneRankResultToRoundOff) {
  for (SgsModel model : {SgsModel::none, SgsModel::dynamic_smagorinsky}) {
    const ChannelParams p = small(model);
    ChannelSolver world(p, MPI_COMM_WORLD);
    ChannelSolver self(p, MPI_COMM_SELF);
    world.set_laminar_with_trip(15.0, 4, 0.5);
    self.set_laminar_with_trip(15.0, 4, 0.5);
    for (int k = 0; k < 10; ++k) {
      world.step();
      self.step();
    }
    EXPECT_NEAR(world.time(), self.time(), 1e-13 * self.time());
    EXPECT_LT(world.max_divergence(), 1e-10);
    const Grid& g = world.grid();
    double diff = 0.0, scale = 0.0;
    for (int k = 0; k < g.nzl; ++k)
      for (int j = 0; j < g.ncy; ++j)
        for (int i = 0; i < g.nx; ++i) {
          const int ks = g.z0 + k;
          diff = std::max({diff, std::abs(world.u()(i, j, k) - self.u()(i, j, ks)),
                           std::abs(world.v()(i, j, k) - self.v()(i, j, ks)),
                           std::abs(world.w()(i, j, k) - self.w()(i, j, ks))});
          scale = std::max(scale, std::abs(self.u()(i, j, ks)));
        }
    // Different FFT batch shapes and reduction orders: a few ulps per step, 10 steps.
    EXPECT_LT(diff, 1e-12 * scale) << sgs_name(model);
    const std::vector<float> cw = coarse_fields(world, p.out_nx, p.out_ny, p.out_nz);
    const std::vector<float> cs = coarse_fields(self, p.out_nx, p.out_ny, p.out_nz);
    if (g.rank == 0) {
      ASSERT_EQ(cw.size(), cs.size());
      for (std::size_t q = 0; q < cw.size(); ++q) EXPECT_NEAR(cw[q], cs[q], 1e-4);
    }
  }
}

TEST(ChannelMpi, CheckpointWrittenByTwoRanksRestartsOnTwoRanks) {
  const ChannelParams p = small(SgsModel::none);
  const std::string file =
      (std::filesystem::temp_directory_path() / "eddyop_channel_mpi_checkpoint.h5").string();
  ChannelSolver a(p, MPI_COMM_WORLD);
  a.set_laminar_with_trip(15.0, 2, 0.5);
  for (int k = 0; k < 3; ++k) a.step();
  write_checkpoint(file, a, Provenance{});
  ChannelSolver b(p, MPI_COMM_WORLD);
  read_checkpoint(file, b);
  for (int k = 0; k < 3; ++k) {
    a.step();
    b.step();
  }
  double diff = 0.0;
  const Grid& g = a.grid();
  for (int k = 0; k < g.nzl; ++k)
    for (int j = 0; j < g.ncy; ++j)
      for (int i = 0; i < g.nx; ++i)
        diff = std::max(diff, std::abs(a.u()(i, j, k) - b.u()(i, j, k)));
  EXPECT_EQ(diff, 0.0);
  MPI_Barrier(MPI_COMM_WORLD);
  if (g.rank == 0) std::filesystem::remove(file);
}
