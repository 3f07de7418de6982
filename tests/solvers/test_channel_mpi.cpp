// Two ranks (z slabs, x-wavenumber slabs in the pressure solve) give the one-rank result to
// round-off, with and without the dynamic model's plane averages; the coarse training fields
// and a checkpoint written by two ranks match those of one.
#include <gtest/gtest.h>
#include <mpi.h>

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
