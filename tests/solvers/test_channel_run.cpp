// The whole generation from a case: dataset, statistics, checkpoint and metrics files with their
// shapes and physics; blow-up stops with the step and cause and keeps the last good checkpoint.
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/hdf5/reader.hpp"
#include "core/metrics.hpp"
#include "solvers/channel/params.hpp"
#include "solvers/channel/run.hpp"
#include "tests/solvers/channel_fixtures.hpp"

using namespace eddyop;
namespace fs = std::filesystem;

namespace {

config::Section schema() {
  return eddyop::testing::channel_case_schema();
}

const char* kCase = R"(case: {name: tiny, seed: 3}
channel: {nx: 16, ny: 17, nz: 8, out_nx: 8, out_ny: 9, out_nz: 4, spinup_time: 0.05,
          sample_interval: 0.02, samples: 3, trajectories: 2, stats_start: 0.0,
          stats_interval: 1, checkpoint_interval: 5, snapshot_interval: 2,
          sgs_model: wale, fftw_planner: estimate}
)";

}  // namespace

TEST(ChannelRun, WritesDatasetStatisticsCheckpointAndMetrics) {
  const fs::path dir = fs::temp_directory_path() / "eddyop_channel_run";
  fs::remove_all(dir);
  const config::Case c = config::Case::parse(kCase, "tiny.yaml", schema());
  const auto res = solvers::channel::run_channel(c, dir.string(), MPI_COMM_SELF);
  EXPECT_GT(res.steps, 4);
  h5::Reader d(res.dataset);
  d.expect_kind("dataset");
  for (const char* f : {"u", "v", "w", "p"})
    d.expect_field(f, h5::DType::kFloat32, {2, 3, 8, 8, 4});
  EXPECT_EQ(d.read_string(h5::kPhysicsGroup, "sgs_model"), "wale");
  EXPECT_EQ(d.read_double(h5::kPhysicsGroup, "sampling_interval"), 0.02);
  EXPECT_EQ(d.read_provenance().seed, 3);
  EXPECT_NE(d.read_provenance().config_yaml.find("spinup_time"), std::string::npos);
  EXPECT_EQ(d.read_coordinate("t").size(), 3u);
  std::vector<float> u;
  d.read_field(u, "u");
  double mean = 0.0;
  for (float x : u) mean += static_cast<double>(x);
  mean /= static_cast<double>(u.size());
  EXPECT_GT(mean, 10.0);  // the bulk velocity, ~15.7, survives the filter
  h5::Reader s(res.statistics);
  s.expect_field("mean_u", h5::DType::kFloat64, {16});
  h5::Reader k(res.checkpoint);
  k.expect_field("u", h5::DType::kFloat64, {8, 16, 16});
  h5::Reader sn(res.snapshots);
  sn.expect_field("u", h5::DType::kFloat32, {4, 16, 16, 8});
  EXPECT_FALSE(read_metrics(dir / "metrics.jsonl").empty());
  fs::remove_all(dir);
}

TEST(ChannelRun, BlowUpStopsNamingStepAndCauseAndKeepsTheLastCheckpoint) {
  const fs::path dir = fs::temp_directory_path() / "eddyop_channel_blowup";
  fs::remove_all(dir);
  // The tripped laminar start exceeds 24 (centreline 1.5 U_b ≈ 23.5 plus the trip).
  const config::Case c = config::Case::parse(
      kCase, "tiny.yaml", schema(), {"channel.max_velocity=24.0", "channel.checkpoint_interval=1"});
  try {
    solvers::channel::run_channel(c, dir.string(), MPI_COMM_SELF);
    FAIL() << "no blow-up detected";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("blow-up at step"), std::string::npos) << what;
    EXPECT_NE(what.find("max_velocity"), std::string::npos) << what;
  }
  EXPECT_FALSE(fs::exists(dir / "dataset.h5"));  // incomplete: never renamed into place
  // Checkpoints are written at the start and after steps that pass the checks.
  ASSERT_TRUE(fs::exists(dir / "checkpoint.h5"));
  h5::Reader k((dir / "checkpoint.h5").string());
  std::vector<double> u;
  k.read_field(u, "u");
  for (double x : u) ASSERT_TRUE(std::isfinite(x));
  fs::remove_all(dir);
}
