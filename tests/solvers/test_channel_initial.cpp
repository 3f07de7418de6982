// Starting the channel from a snapshot of a coarse dataset (channel.initial_dataset): the axis
// maps, the natural placement on the dataset's own grid, the projection, a run whose samples
// follow the dataset's times and record their cost, other grids, and the errors for bad input.
#include <gtest/gtest.h>
#include <mpi.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/hdf5/reader.hpp"
#include "solvers/channel/initial.hpp"
#include "solvers/channel/output.hpp"
#include "solvers/channel/params.hpp"
#include "solvers/channel/run.hpp"
#include "tests/error_of.hpp"
#include "tests/solvers/channel_fixtures.hpp"

using namespace eddyop;
using namespace eddyop::solvers::channel;
namespace fs = std::filesystem;

namespace {

using eddyop::testing::error_of;

config::Section schema() {
  return eddyop::testing::channel_case_schema();
}

// The truth: 2 trajectories of 3 samples on a 16 x 17 x 8 grid, written on the same grid.
const char* kCase = R"(case: {name: truth, seed: 5}
channel: {nx: 16, ny: 17, nz: 8, out_nx: 16, out_ny: 17, out_nz: 8, spinup_time: 0.05,
          sample_interval: 0.02, samples: 3, trajectories: 2, stats_start: 0.0,
          checkpoint_interval: 0, fftw_planner: estimate}
)";

config::Case make_case(const std::vector<std::string>& sets) {
  return config::Case::parse(kCase, "truth.yaml", schema(), sets);
}

class ChannelInitial : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("eddyop_channel_initial_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    truth_ = run_channel(make_case({}), (dir_ / "truth").string(), MPI_COMM_SELF).dataset;
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  // The case's parameters, starting from the truth dataset.
  static ChannelParams from_truth(int trajectory, int step, std::vector<std::string> sets = {}) {
    sets.push_back("channel.initial_dataset=" + truth_);
    sets.push_back("channel.initial_trajectory=" + std::to_string(trajectory));
    sets.push_back("channel.initial_step=" + std::to_string(step));
    sets.push_back("channel.trajectories=1");
    return params_from_case(make_case(sets));
  }

  static inline fs::path dir_;
  static inline std::string truth_;
};

// Dataset field (x, y, z), z fastest.
double at(const std::vector<double>& f, int ncy, int nz, int i, int j, int k) {
  return f[(static_cast<long>(i) * ncy + j) * nz + k];
}

double row_sum(const std::vector<std::pair<int, double>>& r) {
  double s = 0.0;
  for (const auto& [i, w] : r) s += w;
  return s;
}

}  // namespace

TEST(ChannelInitialMaps, PeriodicMapsPlaceInterpolateAndAverage) {
  // Same grid: centres copied, faces the mean of the two cells (wrapping).
  const AxisMap c = periodic_map(8, 8, false), f = periodic_map(8, 8, true);
  for (int i = 0; i < 8; ++i) {
    ASSERT_EQ(c[i].size(), 1u);
    EXPECT_EQ(c[i][0].first, i);
    EXPECT_EQ(c[i][0].second, 1.0);
    ASSERT_EQ(f[i].size(), 2u);
    EXPECT_EQ(f[i][0], std::make_pair(i, 0.5));
    EXPECT_EQ(f[i][1], std::make_pair((i + 1) % 8, 0.5));
  }
  // Coarser: box averages of 2 cells; a face averages the two half cells around it.
  const AxisMap bc = periodic_map(16, 8, false), bf = periodic_map(16, 8, true);
  EXPECT_EQ(bc[3], (std::vector<std::pair<int, double>>{{6, 0.5}, {7, 0.5}}));
  EXPECT_EQ(bf[7], (std::vector<std::pair<int, double>>{{15, 0.5}, {0, 0.5}}));
  // Finer: linear interpolation, 1/4 and 3/4 between the data centres.
  const AxisMap lc = periodic_map(4, 8, false);
  EXPECT_EQ(lc[0], (std::vector<std::pair<int, double>>{{3, 0.25}, {0, 0.75}}));
  EXPECT_EQ(lc[3], (std::vector<std::pair<int, double>>{{1, 0.75}, {2, 0.25}}));
  const AxisMap odd = periodic_map(12, 8, true);
  for (const AxisMap* m : {&c, &f, &bc, &bf, &lc, &odd})
    for (const auto& r : *m) EXPECT_NEAR(row_sum(r), 1.0, 1e-14);
}

TEST(ChannelInitialMaps, WallMapsInterpolateLinearFunctionsAndAverageNestedCells) {
  const std::vector<double> fd = tanh_faces(16, 2.0, 2.0);
  std::vector<double> yd(16);
  for (int j = 0; j < 16; ++j) yd[j] = 0.5 * (fd[j] + fd[j + 1]);
  // Same grid: centres copied; faces exact for a linear function of y.
  const AxisMap c = wall_map(fd, fd, false, true), f = wall_map(fd, fd, true, true);
  ASSERT_EQ(c.size(), 16u);
  ASSERT_EQ(f.size(), 15u);
  for (int j = 0; j < 16; ++j) EXPECT_EQ(c[j], (std::vector<std::pair<int, double>>{{j, 1.0}}));
  for (int j = 0; j < 15; ++j) {
    double y = 0.0;
    for (const auto& [J, w] : f[j]) y += w * yd[J];
    EXPECT_NEAR(y, fd[j + 1], 1e-14);
  }
  // Finer solver: velocity goes linearly to 0 at the wall, pressure is held.
  const std::vector<double> ff = tanh_faces(32, 2.0, 2.0);
  const AxisMap uv = wall_map(fd, ff, false, true), pp = wall_map(fd, ff, false, false);
  EXPECT_LT(row_sum(uv[0]), 1.0);
  EXPECT_NEAR(row_sum(uv[0]), 0.5 * (ff[0] + ff[1]) / yd[0], 1e-14);
  EXPECT_NEAR(row_sum(pp[0]), 1.0, 1e-14);
  for (int j = 2; j < 30; ++j) EXPECT_NEAR(row_sum(uv[j]), 1.0, 1e-14);
  // Coarser nested grid: Δy-weighted averages of the two data cells in each solver cell.
  const std::vector<double> fc = tanh_faces(8, 2.0, 2.0);
  const AxisMap cc = wall_map(fd, fc, false, true);
  for (int j = 0; j < 8; ++j) {
    ASSERT_EQ(cc[j].size(), 2u);
    EXPECT_EQ(cc[j][0].first, 2 * j);
    EXPECT_NEAR(cc[j][0].second, (fd[2 * j + 1] - fd[2 * j]) / (fc[j + 1] - fc[j]), 1e-13);
    EXPECT_NEAR(row_sum(cc[j]), 1.0, 1e-13);
  }
  for (const auto& r : wall_map(fd, fc, true, true)) EXPECT_NEAR(row_sum(r), 1.0, 1e-13);
}

TEST_F(ChannelInitial, OnTheDatasetsGridTheFieldIsPlacedNaturallyAndProjected) {
  const ChannelParams p = from_truth(1, 2);
  const DatasetSnapshot snap = read_dataset_snapshot(p, 1);
  ASSERT_EQ(snap.nx, 16);
  ASSERT_EQ(snap.ncy, 16);
  ASSERT_EQ(snap.nz, 8);
  EXPECT_NEAR(snap.time, 0.09, 1e-12);  // spin-up 0.05 + 2 x 0.02
  {                                     // the snapshot is trajectory 1, time 2 of the file
    h5::Reader in(truth_);
    std::vector<float> u;
    in.read_slab(u, "u", 1, 1);
    const long cells = 16 * 16 * 8;
    for (long q = 0; q < cells; ++q) ASSERT_EQ(snap.u[q], static_cast<double>(u[2 * cells + q]));
  }
  ChannelSolver s(p, MPI_COMM_SELF);
  const Grid& g = s.grid();
  std::vector<double> u, v, w, pr;
  map_snapshot(snap, s, u, v, w, pr);
  auto d = [&](const std::vector<double>& f, int i, int j, int k) {
    return at(f, 16, 8, (i + 16) % 16, j, (k + 8) % 8);
  };
  for (int k = 0; k < 8; ++k)
    for (int j = 0; j < 16; ++j)
      for (int i = 0; i < 16; ++i) {
        const long q = (static_cast<long>(k) * 16 + j) * 16 + i;
        ASSERT_EQ(pr[q], d(snap.p, i, j, k));
        ASSERT_NEAR(u[q], 0.5 * (d(snap.u, i, j, k) + d(snap.u, i + 1, j, k)), 1e-13);
        ASSERT_NEAR(w[q], 0.5 * (d(snap.w, i, j, k) + d(snap.w, i, j, k + 1)), 1e-13);
        if (j == 15) {
          ASSERT_EQ(v[q], 0.0);  // the top wall
        } else {
          const double a = (g.Yf(j) - g.Yc(j)) / (g.Yc(j + 1) - g.Yc(j));
          ASSERT_NEAR(v[q], (1 - a) * d(snap.v, i, j, k) + a * d(snap.v, i, j + 1, k), 1e-13);
        }
      }
  // Projected: divergence at round-off; p and the plane means kept.
  set_state_from_snapshot(s, snap);
  EXPECT_NEAR(s.time(), 0.09, 1e-12);
  EXPECT_LT(s.max_divergence(), 1e-12 * s.max_velocity() / g.Dyf(0)) << s.max_divergence();
  std::vector<double> u2, v2, w2, p2;
  s.get_state(u2, v2, w2, p2);
  EXPECT_EQ(p2, pr);
  EXPECT_NE(u2, u);  // the tripped field's grid-scale noise is not divergence free when placed
  const std::vector<float> back = coarse_fields(s, 16, 17, 8);
  const long cells = 16 * 16 * 8;
  for (int j = 0; j < 16; ++j) {
    double mean[2][2] = {{0, 0}, {0, 0}};  // (data, back) x (u, w)
    for (int i = 0; i < 16; ++i)
      for (int k = 0; k < 8; ++k) {
        const long q = (static_cast<long>(i) * 16 + j) * 8 + k;
        const double bp = back[3 * cells + q];
        ASSERT_NEAR(bp, snap.p[q], 1e-6 * std::abs(snap.p[q]) + 1e-6);
        mean[0][0] += snap.u[q];
        mean[1][0] += static_cast<double>(back[q]);
        mean[0][1] += snap.w[q];
        mean[1][1] += static_cast<double>(back[2 * cells + q]);
      }
    EXPECT_NEAR(mean[1][0], mean[0][0], 1e-5 * std::abs(mean[0][0]));
    EXPECT_NEAR(mean[1][1], mean[0][1], 1e-4);
  }
}

TEST_F(ChannelInitial, ASmoothSolenoidalFieldSurvivesPlacementProjectionAndTheRoundTrip) {
  // u = ∂y ψ3 − ∂z ψ2, v = −∂x ψ3, w = ∂x ψ2 with ψ3 = sin(kx x) η²(1−η)², ψ2 = cos(kx x)
  // sin(kz z) η(1−η): divergence free, no slip, one mode in x and z, plus a mean flow; sampled at
  // the cell centres of the dataset's grid (16 x 16 x 8 cells).
  const ChannelParams p = from_truth(0, 0);
  ChannelSolver s(p, MPI_COMM_SELF);
  const Grid& g = s.grid();
  DatasetSnapshot snap;
  snap.nx = 16;
  snap.ncy = 16;
  snap.nz = 8;
  snap.lx = g.lx;
  snap.ly = g.ly;
  snap.lz = g.lz;
  snap.y_face = tanh_faces(16, g.ly, p.stretching);
  snap.time = 1.5;
  const double pi = std::acos(-1.0), kx = 2 * pi / g.lx, kz = 2 * pi / g.lz, ly = g.ly;
  for (auto* f : {&snap.u, &snap.v, &snap.w, &snap.p}) f->resize(16 * 16 * 8);
  double fluct = 0.0, norm = 0.0;
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 16; ++j)
      for (int k = 0; k < 8; ++k) {
        const double x = (i + 0.5) * g.dx, y = g.Yc(j), z = (k + 0.5) * g.dz, e = y / ly;
        const double h3 = e * e * (1 - e) * (1 - e), dh3 = 2 * e * (1 - e) * (1 - 2 * e) / ly;
        const double h2 = e * (1 - e);
        const long q = (static_cast<long>(i) * 16 + j) * 8 + k;
        const double uf =
            std::sin(kx * x) * dh3 * 10 - kz * std::cos(kx * x) * std::cos(kz * z) * h2;
        snap.u[q] = 6 * 15.0 * e * (1 - e) + uf;
        snap.v[q] = -kx * std::cos(kx * x) * h3 * 10;
        snap.w[q] = -kx * std::sin(kx * x) * std::sin(kz * z) * h2;
        snap.p[q] = std::cos(kx * x) * std::sin(kz * z);
        fluct += uf * uf + snap.v[q] * snap.v[q] + snap.w[q] * snap.w[q];
        norm += snap.u[q] * snap.u[q] + snap.v[q] * snap.v[q] + snap.w[q] * snap.w[q];
      }
  std::vector<double> u, v, w, pr;
  map_snapshot(snap, s, u, v, w, pr);
  set_state_from_snapshot(s, snap);
  EXPECT_NEAR(s.time(), 1.5, 0.0);
  EXPECT_LT(s.max_divergence(), 1e-12 * s.max_velocity() / g.Dyf(0));
  std::vector<double> u2, v2, w2, p2;
  s.get_state(u2, v2, w2, p2);
  double change = 0.0;
  for (std::size_t q = 0; q < u.size(); ++q)
    change += (u2[q] - u[q]) * (u2[q] - u[q]) + (v2[q] - v[q]) * (v2[q] - v[q]) +
              (w2[q] - w[q]) * (w2[q] - w[q]);
  std::printf("smooth field: projection changed the velocity by %.3g of its fluctuation\n",
              std::sqrt(change / fluct));
  EXPECT_LT(std::sqrt(change / fluct), 0.03);
  // Back to the dataset's cells: u is attenuated by cos²(π/16) in x (the face means, then the
  // centre means), w by cos²(π/8) in z; together within 8 % of the fluctuation.
  const std::vector<float> back_f = coarse_fields(s, 16, 17, 8);
  const std::vector<double> back(back_f.begin(), back_f.end());
  const long cells = 16 * 16 * 8;
  double e2 = 0.0;
  for (int c = 0; c < 3; ++c) {
    const std::vector<double>& d = c == 0 ? snap.u : c == 1 ? snap.v : snap.w;
    for (long q = 0; q < cells; ++q)
      e2 += (back[c * cells + q] - d[q]) * (back[c * cells + q] - d[q]);
  }
  std::printf("smooth field: round trip |back - data| = %.3g of the fluctuation\n",
              std::sqrt(e2 / fluct));
  EXPECT_LT(std::sqrt(e2 / fluct), 0.08);
  // A finer solver (32 x 33 x 16) and back: within 2 % of the field (linear interpolation of the
  // mean profile on this coarse y grid costs most of it).
  ChannelSolver fine(from_truth(0, 0, {"channel.nx=32", "channel.ny=33", "channel.nz=16"}),
                     MPI_COMM_SELF);
  set_state_from_snapshot(fine, snap);
  EXPECT_LT(fine.max_divergence(), 1e-12 * fine.max_velocity() / fine.grid().Dyf(0));
  const std::vector<float> fb_f = coarse_fields(fine, 16, 17, 8);
  const std::vector<double> fb(fb_f.begin(), fb_f.end());
  e2 = 0.0;
  for (int c = 0; c < 3; ++c) {
    const std::vector<double>& d = c == 0 ? snap.u : c == 1 ? snap.v : snap.w;
    for (long q = 0; q < cells; ++q) e2 += (fb[c * cells + q] - d[q]) * (fb[c * cells + q] - d[q]);
  }
  std::printf("smooth field: finer grid and back |back - data| = %.3g of the field\n",
              std::sqrt(e2 / norm));
  EXPECT_LT(std::sqrt(e2 / norm), 0.02);
  // p = cos(kx x) sin(kz z) goes through linear interpolation to the half cells and their mean:
  // the response (3/4 + cos(kΔ)/4) in x and in z, exactly.
  const double resp = (0.75 + 0.25 * std::cos(kx * g.dx)) * (0.75 + 0.25 * std::cos(kz * g.dz));
  for (long q = 0; q < cells; ++q) ASSERT_NEAR(fb[3 * cells + q], resp * snap.p[q], 1e-6);
}

TEST_F(ChannelInitial, ARunFromTheDatasetSamplesAtItsTimesAndRecordsItsCost) {
  const fs::path out = dir_ / "les";
  const config::Case c =
      make_case({"channel.initial_dataset=" + truth_, "channel.initial_trajectory=1",
                 "channel.initial_step=1", "channel.trajectories=1", "channel.spinup_time=0"});
  const ChannelRunResult res = run_channel(c, out.string(), MPI_COMM_SELF);
  h5::Reader d(res.dataset);
  d.expect_field("u", h5::DType::kFloat32, {1, 3, 16, 16, 8});
  const std::vector<double> t = d.read_coordinate("t"),
                            tt = h5::Reader(truth_).read_coordinate("t");
  ASSERT_EQ(t.size(), 3u);
  for (int s = 0; s < 3; ++s) EXPECT_NEAR(t[s], tt[1] + 0.02 * s, 1e-12);
  const std::string ph = h5::kPhysicsGroup;
  EXPECT_EQ(d.read_string(ph, "initial_dataset"), truth_);
  EXPECT_EQ(d.read_int(ph, "initial_trajectory"), 1);
  EXPECT_EQ(d.read_int(ph, "initial_step"), 1);
  EXPECT_NEAR(d.read_double(ph, "time"), tt[1] + 0.04, 1e-9);
  // Cost of the steps: positive, consistent with the step count and the interval.
  const long long steps = d.read_int(ph, "cost_steps");
  EXPECT_EQ(steps, res.steps);
  EXPECT_EQ(d.read_int(ph, "cost_intervals"), 2);
  EXPECT_EQ(d.read_int(ph, "cost_ranks"), 1);
  EXPECT_NEAR(d.read_double(ph, "cost_steps_per_interval"), 0.5 * static_cast<double>(steps),
              1e-12);
  EXPECT_GT(d.read_double(ph, "cost_cpu_s_per_step"), 0.0);
  EXPECT_GT(d.read_double(ph, "cost_wall_s_per_step"), 0.0);
  EXPECT_NEAR(d.read_double(ph, "cost_cpu_s_per_interval"), d.read_double(ph, "cost_cpu_s") / 2.0,
              1e-12);  // no spin-up: all steps sample
  // Sample 0 is the mapped, projected snapshot, before any step.
  ChannelSolver s(from_truth(1, 1), MPI_COMM_SELF);
  set_state_from_snapshot(s, read_dataset_snapshot(from_truth(1, 1), 1));
  const std::vector<float> first = coarse_fields(s, 16, 17, 8);
  std::vector<float> u;
  d.read_slab(u, "u", 0, 1);
  for (long q = 0; q < 16 * 16 * 8; ++q) ASSERT_EQ(u[q], first[q]);
  // ... and the run follows the truth: after one interval it is near truth's time index 2.
  std::vector<float> ut;
  h5::Reader(truth_).read_slab(ut, "u", 1, 1);
  const long cells = 16 * 16 * 8;
  double e = 0, n = 0;
  for (long q = 0; q < cells; ++q) {
    const double x = u[cells + q] - ut[2 * cells + q];
    e += x * x;
    const double y = ut[2 * cells + q];
    n += y * y;
  }
  std::printf("relative error of u one interval after the start: %.3g\n", std::sqrt(e / n));
  EXPECT_LT(std::sqrt(e / n), 0.02);
}

TEST_F(ChannelInitial, ACoarserGridAveragesTheData) {
  const DatasetSnapshot snap = read_dataset_snapshot(from_truth(0, 2), 0);
  // Coarser (8 x 9 x 4, nested y cells): p is the box average of the data, exactly.
  {
    const ChannelParams p =
        from_truth(0, 2,
                   {"channel.nx=8", "channel.ny=9", "channel.nz=4", "channel.out_nx=8",
                    "channel.out_ny=9", "channel.out_nz=4"});
    ChannelSolver s(p, MPI_COMM_SELF);
    set_state_from_snapshot(s, snap);
    EXPECT_LT(s.max_divergence(), 1e-12 * s.max_velocity() / s.grid().Dyf(0));
    const std::vector<double>& fy = snap.y_face;
    for (int k = 0; k < 4; ++k)
      for (int j = 0; j < 8; ++j)
        for (int i = 0; i < 8; ++i) {
          double sum = 0, dy = 0;
          for (int jj = 2 * j; jj < 2 * j + 2; ++jj) {
            dy += fy[jj + 1] - fy[jj];
            for (int ii = 2 * i; ii < 2 * i + 2; ++ii)
              for (int kk = 2 * k; kk < 2 * k + 2; ++kk)
                sum += 0.25 * (fy[jj + 1] - fy[jj]) * at(snap.p, 16, 8, ii, jj, kk);
          }
          ASSERT_NEAR(s.p()(i, j, k), sum / dy, 1e-12 * (std::abs(sum / dy) + 1.0));
        }
  }
}

TEST_F(ChannelInitial, BadInputIsRefusedNamingTheDatasetAndWhatWasExpected) {
  auto run_error = [&](const std::vector<std::string>& sets) {
    const fs::path out = dir_ / "refused";
    const std::string e =
        error_of([&] { run_channel(make_case(sets), out.string(), MPI_COMM_SELF); });
    EXPECT_FALSE(fs::exists(out)) << "refused input wrote " << out;
    return e;
  };
  const std::string ds = "channel.initial_dataset=" + truth_;
  std::string e = run_error({ds, "channel.initial_step=3"});
  EXPECT_NE(e.find("initial_step = 3"), std::string::npos) << e;
  EXPECT_NE(e.find("has 3 time steps (0..2"), std::string::npos) << e;
  EXPECT_NE(e.find(truth_), std::string::npos) << e;
  e = run_error({ds, "channel.initial_trajectory=1"});  // with trajectories = 2: needs 1..2
  EXPECT_NE(e.find("needs trajectories 1..2"), std::string::npos) << e;
  EXPECT_NE(e.find("but /fields/u has 2"), std::string::npos) << e;
  e = run_error({"channel.initial_dataset=" + (dir_ / "missing.h5").string()});
  EXPECT_NE(e.find("missing.h5' does not exist"), std::string::npos) << e;
  e = run_error({ds, "channel.lz=2.0"});
  EXPECT_NE(e.find("box but the case's is"), std::string::npos) << e;
  const std::string statistics = (fs::path(truth_).parent_path() / "statistics.h5").string();
  e = run_error({"channel.initial_dataset=" + statistics});
  EXPECT_NE(e.find("statistics"), std::string::npos) << e;  // not a dataset
  e = error_of([&] { validate(params_from_case(make_case({ds, "channel.restart=x.h5"})), 1); });
  EXPECT_NE(e.find("are both set"), std::string::npos) << e;
}
