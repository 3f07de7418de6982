// channel.initial_dataset on 2 ranks: each rank maps its z slab of the snapshot, and the
// projected field equals the one of a single rank; a run from the dataset records 2 ranks' cost.
#include <gtest/gtest.h>
#include <mpi.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/hdf5/reader.hpp"
#include "solvers/channel/initial.hpp"
#include "solvers/channel/params.hpp"
#include "solvers/channel/run.hpp"
#include "tests/solvers/channel_fixtures.hpp"

using namespace eddyop;
using namespace eddyop::solvers::channel;
namespace fs = std::filesystem;

namespace {

config::Section schema() {
  return eddyop::testing::channel_case_schema();
}

const char* kCase = R"(case: {name: truth, seed: 2}
channel: {nx: 16, ny: 17, nz: 8, out_nx: 8, out_ny: 9, out_nz: 4, spinup_time: 0.04,
          sample_interval: 0.02, samples: 2, trajectories: 1, stats_start: 0.0,
          checkpoint_interval: 0, sgs_model: wale, fftw_planner: estimate}
)";

}  // namespace

TEST(ChannelInitialMpi, TwoRanksMapAndProjectAsOne) {
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  ASSERT_EQ(size, 2);
  int pid = static_cast<int>(getpid());
  MPI_Bcast(&pid, 1, MPI_INT, 0, MPI_COMM_WORLD);
  const fs::path dir =
      fs::temp_directory_path() / ("eddyop_channel_initial_mpi_" + std::to_string(pid));
  const std::string truth = run_channel(config::Case::parse(kCase, "t.yaml", schema()),
                                        (dir / "truth").string(), MPI_COMM_WORLD)
                                .dataset;
  // The 8 x 8 x 4 snapshot onto the 16 x 17 x 8 grid (interpolation) on 2 ranks and on 1.
  const config::Case from = config::Case::parse(
      kCase, "t.yaml", schema(),
      {"channel.initial_dataset=" + truth, "channel.initial_step=1", "channel.spinup_time=0"});
  const ChannelParams p = params_from_case(from);
  const DatasetSnapshot snap = read_dataset_snapshot(p, 0);
  ChannelSolver both(p, MPI_COMM_WORLD), one(p, MPI_COMM_SELF);
  set_state_from_snapshot(both, snap);
  set_state_from_snapshot(one, snap);
  EXPECT_LT(both.max_divergence(), 1e-12 * both.max_velocity() / both.grid().Dyf(0));
  const Grid& g = both.grid();
  std::vector<double> a[4], b[4];
  both.get_state(a[0], a[1], a[2], a[3]);
  one.get_state(b[0], b[1], b[2], b[3]);
  const long plane = static_cast<long>(g.ncy) * g.nx;
  double diff = 0.0;
  for (int f = 0; f < 4; ++f)
    for (long q = 0; q < g.nzl * plane; ++q)
      diff = std::max(diff, std::abs(a[f][q] - b[f][g.z0 * plane + q]));
  EXPECT_LT(diff, 1e-12) << "rank " << rank;
  // A run from the dataset on 2 ranks: its cost counts both.
  const ChannelRunResult res = run_channel(from, (dir / "les").string(), MPI_COMM_WORLD);
  h5::Reader d(res.dataset);
  EXPECT_EQ(d.read_int(h5::kPhysicsGroup, "cost_ranks"), 2);
  EXPECT_GT(d.read_double(h5::kPhysicsGroup, "cost_cpu_s_per_interval"), 0.0);
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 0) fs::remove_all(dir);
}
