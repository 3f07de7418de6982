// `eddyop stats` on synthetic solver statistics files (the layout of
// solvers/channel/statistics.cpp) with known profiles on a tanh-stretched staggered grid: laminar
// Poiseuille flow gives Re_tau, U_c+ and the cell-average U_b+ exactly; prescribed quadratic rms
// and <u'v'> profiles give their peaks, where they are, and the total-stress deviation; bad files
// are refused naming the problem.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/hdf5/reader.hpp"
#include "core/hdf5/writer.hpp"
#include "postprocess/solver_stats.hpp"
#include "tests/error_of.hpp"
#include "tests/postprocess/helpers.hpp"

namespace pp = eddyop::postprocess;
namespace fs = std::filesystem;

namespace {

using eddyop::testing::error_of;

// Poiseuille flow between y = 0 and 2h: U = G y (2h - y) / (2 nu), tau_w = G h; with G = h = 1 and
// nu = 1/180, u_tau = 1 and Re_tau = 180, so wall units are the raw values.
constexpr double kH = 1.0, kLy = 2.0 * kH, kNu = 1.0 / 180.0, kG = 1.0;
double poiseuille(double y) {
  return kG * y * (kLy - y) / (2 * kNu);
}
double wall_distance(double y) {
  return std::min(y, kLy - y);
}
// Quadratic rms profiles b d (2 d_p - d): 0 at the wall, peak b d_p² at d = d_p, positive up to
// the centre d = h for d_p >= h/2.
struct Rms {
  double b, dp;
  double operator()(double d) const { return b * d * (2 * dp - d); }
};
const Rms kU{8.0, 0.6}, kV{3.0, 0.5}, kW{5.0, 0.7};
// <u'v'> = -c d (h - d) in the lower half, mirrored with the opposite sign: min -c h²/4 at h/2.
constexpr double kC = 2.4;
double uv_profile(double y) {
  const double d = wall_distance(y), s = y <= kH ? -1.0 : 1.0;
  return s * kC * d * (kH - d);
}

struct Synthetic {
  std::vector<double> faces, centres;
};

Synthetic grid(std::size_t cells) {
  Synthetic g;
  g.faces = eddyop::test::stretched_y(cells + 1, kH);
  for (std::size_t j = 0; j < cells; ++j) g.centres.push_back(0.5 * (g.faces[j] + g.faces[j + 1]));
  return g;
}

// Writes a file as the channel solver does: fields (ncy) per cell centre, /grid/y, physics.
std::string write_statistics(const fs::path& path, const Synthetic& g, bool fluctuations,
                             long long samples = 40, const std::vector<std::string>& skip = {}) {
  const std::size_t n = g.centres.size();
  std::vector<double> zero(n, 0.0), u(n), uu(n, 0.0), vv(n, 0.0), ww(n, 0.0), uv(n, 0.0), p(n);
  for (std::size_t j = 0; j < n; ++j) {
    const double y = g.centres[j], d = wall_distance(y);
    u[j] = poiseuille(y);
    p[j] = 0.1 * y;
    if (fluctuations) {
      uu[j] = kU(d) * kU(d);
      vv[j] = kV(d) * kV(d);
      ww[j] = kW(d) * kW(d);
      uv[j] = uv_profile(y);
    }
  }
  const std::pair<const char*, const std::vector<double>*> fields[] = {
      {"mean_u", &u}, {"mean_v", &zero}, {"mean_w", &zero}, {"mean_p", &p}, {"uu", &uu},
      {"vv", &vv},    {"ww", &ww},       {"uv", &uv},       {"uw", &zero},  {"vw", &zero}};
  eddyop::h5::Writer out(path.string(), "statistics", MPI_COMM_SELF);
  for (const auto& [name, values] : fields)
    if (std::find(skip.begin(), skip.end(), name) == skip.end())
      out.write_field(name, "y", values->data(), {static_cast<std::int64_t>(n)});
  out.write_coordinate("y", g.centres);
  out.write_attribute(eddyop::h5::kPhysicsGroup, "Re_tau", 180.0);
  out.write_attribute(eddyop::h5::kPhysicsGroup, "Re_tau_measured", 179.25);
  if (std::find(skip.begin(), skip.end(), "nu") == skip.end())
    out.write_attribute(eddyop::h5::kPhysicsGroup, "nu", kNu);
  out.write_attribute(eddyop::h5::kPhysicsGroup, "ly", kLy);
  out.write_attribute(eddyop::h5::kPhysicsGroup, "statistics_samples", samples);
  out.write_attribute(eddyop::h5::kPhysicsGroup, "sgs_model", std::string("wale"));
  out.close();
  return path.string();
}

// The midpoint rule on the cells: ∫ U dy + Σ U'' Δ³ / 24 exactly for a quadratic U (U'' = -G/ν).
double cell_average_bulk(const Synthetic& g) {
  double cubes = 0.0;
  for (std::size_t j = 0; j + 1 < g.faces.size(); ++j)
    cubes += std::pow(g.faces[j + 1] - g.faces[j], 3);
  const double integral = kG * kLy * kLy * kLy / (12 * kNu);  // ∫ G y (2h - y) / 2ν dy
  return (integral + (kG / kNu) * cubes / 24.0) / kLy;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST(SolverStats, LaminarPoiseuilleGivesReTauCentreAndCellAverageBulkVelocityExactly) {
  const auto dir = eddyop::test::scratch_dir("solver_stats_laminar");
  const Synthetic g = grid(24);
  const auto run = pp::read_solver_statistics(write_statistics(dir / "statistics.h5", g, false));
  EXPECT_EQ(run.label, dir.filename().string());  // data/statistics.h5: the run folder's name
  EXPECT_EQ(run.samples, 40);
  EXPECT_EQ(run.sgs_model, "wale");
  ASSERT_EQ(run.moments.y.size(), 24u);

  const pp::ChannelSummary s = pp::summarise(run);
  EXPECT_NEAR(s.re_tau, 180.0, 1e-9);  // the one-sided quadratic wall gradient is exact
  EXPECT_NEAR(s.u_tau, 1.0, 1e-11);
  EXPECT_DOUBLE_EQ(s.re_tau_solver, 179.25);
  EXPECT_NEAR(s.u_centre_plus, 90.0, 1e-9);
  const double ub = cell_average_bulk(g);
  EXPECT_GT(std::abs(ub - 60.0), 1e-3);  // the midpoint rule differs from ∫ U dy / 2h = 60
  EXPECT_NEAR(s.u_bulk_plus, ub, 1e-10);
  EXPECT_NEAR(s.stats.u_bulk, ub, 1e-10);
  // No fluctuations: every peak is 0, and the viscous stress alone falls as 1 - y/h.
  EXPECT_EQ(s.u_rms_peak.value, 0.0);
  EXPECT_EQ(s.v_rms_peak.value, 0.0);
  EXPECT_EQ(s.w_rms_peak.value, 0.0);
  EXPECT_EQ(s.uv_min.value, 0.0);
  EXPECT_LT(s.total_stress_deviation.value, 1e-9);
  // Folded profiles: the wall node then the 12 centres of the lower half, U+ = y+ (1 - y+/360).
  ASSERT_EQ(s.stats.y_plus.size(), 13u);
  for (std::size_t j = 0; j < s.stats.y_plus.size(); ++j) {
    const double yp = s.stats.y_plus[j];
    EXPECT_NEAR(s.stats.u_plus[j], yp * (1 - yp / 360.0), 1e-9);
  }
}

TEST(SolverStats, PrescribedRmsAndShearStressGiveTheirPeaksAndTheTotalStressDeviation) {
  const auto dir = eddyop::test::scratch_dir("solver_stats_fluct");
  const Synthetic g = grid(32);
  const auto run = pp::read_solver_statistics(write_statistics(dir / "statistics.h5", g, true));
  const pp::ChannelSummary s = pp::summarise(run);
  EXPECT_NEAR(s.re_tau, 180.0, 1e-9);  // fluctuations do not change the mean wall gradient
  // Quadratic peaks: the parabola through the three largest nodes finds them exactly, between
  // nodes (u_τ = 1, ν = 1/180: value in wall units as is, y+ = 180 d_p).
  EXPECT_NEAR(s.u_rms_peak.value, kU.b * kU.dp * kU.dp, 1e-9);
  EXPECT_NEAR(s.u_rms_peak.y_plus, 180 * kU.dp, 1e-7);
  EXPECT_NEAR(s.v_rms_peak.value, kV.b * kV.dp * kV.dp, 1e-9);
  EXPECT_NEAR(s.v_rms_peak.y_plus, 180 * kV.dp, 1e-7);
  EXPECT_NEAR(s.w_rms_peak.value, kW.b * kW.dp * kW.dp, 1e-9);
  EXPECT_NEAR(s.w_rms_peak.y_plus, 180 * kW.dp, 1e-7);
  EXPECT_NEAR(s.uv_min.value, -kC * kH * kH / 4, 1e-9);
  EXPECT_NEAR(s.uv_min.y_plus, 90.0, 1e-7);
  // The peaks are not at nodes, so the refinement did something.
  double best_node = 0.0;
  for (double y : g.centres) best_node = std::max(best_node, kU(wall_distance(y)));
  EXPECT_GT(s.u_rms_peak.value - best_node, 1e-6);
  // The laminar mean balances 1 - y/h by itself, so the deviation is |<u'v'>+| at the worst node.
  double worst = 0.0, at = 0.0;
  for (double y : g.centres)
    if (y < kH && std::abs(uv_profile(y)) > worst) {
      worst = std::abs(uv_profile(y));
      at = 180 * y;
    }
  EXPECT_NEAR(s.total_stress_deviation.value, worst, 1e-9);
  EXPECT_NEAR(s.total_stress_deviation.y_plus, at, 1e-9);
  // The folded profiles carry the prescribed values at the centres.
  for (std::size_t j = 1; j < s.stats.y.size(); ++j) {
    const double d = s.stats.y[j];
    EXPECT_NEAR(s.stats.u_rms_plus[j], kU(d), 1e-9);
    EXPECT_NEAR(s.stats.uv_plus[j], uv_profile(d), 1e-9);
  }
}

TEST(SolverStats, ProfilePeakIsExactForAParabolaAndTakesEndNodesAsTheyAre) {
  const std::vector<double> y{0.0, 1.0, 2.5, 3.0, 5.0};
  std::vector<double> f;
  for (double x : y) f.push_back(4.0 - (x - 2.2) * (x - 2.2));
  const auto p = pp::profile_peak(y, f);
  EXPECT_NEAR(p.value, 4.0, 1e-12);
  EXPECT_NEAR(p.y_plus, 2.2, 1e-12);
  const auto e = pp::profile_peak(y, {5.0, 4.0, 3.0, 2.0, 1.0});
  EXPECT_EQ(e.value, 5.0);
  EXPECT_EQ(e.y_plus, 0.0);
}

TEST(SolverStats, FacesFromCentresRebuildTheStaggeredCellsAndRefuseOtherPoints) {
  const Synthetic g = grid(16);
  const auto f = pp::faces_from_centres(g.centres, kLy, "x.h5");
  ASSERT_EQ(f.size(), g.faces.size());
  for (std::size_t j = 0; j < f.size(); ++j) EXPECT_NEAR(f[j], g.faces[j], 1e-13);
  // Nodes that include the walls are not cell centres.
  const std::string e =
      error_of([&] { pp::faces_from_centres(eddyop::test::stretched_y(17), kLy, "x.h5"); });
  EXPECT_TRUE(contains(e, "'x.h5'") && contains(e, "cell centres")) << e;
}

TEST(SolverStats, BadFilesAreRefusedNamingTheFileAndWhatItLacks) {
  const auto dir = eddyop::test::scratch_dir("solver_stats_bad");
  const Synthetic g = grid(16);
  const std::string no_uw = write_statistics(dir / "no_uw.h5", g, false, 40, {"uw"});
  std::string e = error_of([&] { pp::read_solver_statistics(no_uw); });
  EXPECT_TRUE(contains(e, no_uw) && contains(e, "lacks the field(s) uw")) << e;

  const std::string no_nu = write_statistics(dir / "no_nu.h5", g, false, 40, {"nu"});
  e = error_of([&] { pp::read_solver_statistics(no_nu); });
  EXPECT_TRUE(contains(e, no_nu) && contains(e, "/physics/nu")) << e;

  const std::string empty = write_statistics(dir / "empty.h5", g, false, 0);
  e = error_of([&] { pp::read_solver_statistics(empty); });
  EXPECT_TRUE(contains(e, empty) && contains(e, "holds no samples") && contains(e, "stats_start"))
      << e;

  const std::string evaluated = (dir / "stats.h5").string();
  {
    eddyop::h5::Writer out(evaluated, "statistics", MPI_COMM_SELF);
    out.write_attribute(eddyop::h5::kRoot, "runs", std::string("a\nb"));
    out.close();
  }
  e = error_of([&] { pp::read_solver_statistics(evaluated); });
  EXPECT_TRUE(contains(e, evaluated) && contains(e, "a comparison of runs")) << e;

  const std::string dataset = (dir / "dataset.h5").string();
  {
    eddyop::h5::Writer out(dataset, "dataset", MPI_COMM_SELF);
    out.close();
  }
  e = error_of([&] { pp::read_solver_statistics(dataset); });
  EXPECT_TRUE(contains(e, dataset) && contains(e, "'dataset' file")) << e;

  e = error_of([&] { pp::read_solver_statistics((dir / "missing.h5").string()); });
  EXPECT_TRUE(contains(e, "missing.h5")) << e;
  e = error_of([&] { pp::read_solver_statistics_files({no_uw}, {"a", "b"}); });
  EXPECT_TRUE(contains(e, "2 labels for 1 files")) << e;
}

TEST(SolverStats, LabelsComeFromTheRunFolderAndTheTableHasNoMkmColumnWithoutAReference) {
  const auto dir = eddyop::test::scratch_dir("solver_stats_labels");
  const Synthetic g = grid(16);
  fs::create_directories(dir / "les-a" / "data");
  fs::create_directories(dir / "les-b" / "data");
  const std::vector<std::string> files = {
      write_statistics(dir / "les-a" / "data" / "statistics.h5", g, false),
      write_statistics(dir / "les-b" / "data" / "statistics.h5", g, true)};
  auto runs = pp::read_solver_statistics_files(files, {});
  EXPECT_EQ(runs[0].label, "les-a");
  EXPECT_EQ(runs[1].label, "les-b");
  runs = pp::read_solver_statistics_files(files, {"first", "second"});
  EXPECT_EQ(runs[1].label, "second");

  const auto c = pp::compare_solver_statistics(runs, (dir / "nowhere").string());
  EXPECT_FALSE(c.mkm.has_value());
  ASSERT_EQ(c.notes.size(), 1u);
  EXPECT_TRUE(contains(c.notes[0], "No MKM reference") && contains(c.notes[0], "nowhere"));
  const std::string table = pp::stats_comparison_table(c);
  EXPECT_TRUE(contains(table, "| quantity | first | second |")) << table;
  EXPECT_FALSE(contains(table, "MKM 1999")) << table;
  EXPECT_FALSE(contains(table, "vs MKM")) << table;
  EXPECT_TRUE(contains(
      table, "| U_b+ | " +
                 [&] {
                   char b[32];
                   std::snprintf(b, sizeof b, "%.2f", cell_average_bulk(g));
                   return std::string(b);
                 }()))
      << table;
  EXPECT_TRUE(contains(table, "| u_rms+ peak | 0.000 | 2.880 |")) << table;
}

TEST(SolverStats, AgainstMkmTheTableHasItsColumnTheTargetsAndTheProfileDifferences) {
  const std::string ref = eddyop::test::reference_dir();
  if (ref.empty()) GTEST_SKIP() << "MKM reference data not found (set EDDYOP_REFERENCE_DIR)";
  const auto dir = eddyop::test::scratch_dir("solver_stats_mkm");
  const Synthetic g = grid(32);
  const auto runs = pp::read_solver_statistics_files(
      {write_statistics(dir / "statistics.h5", g, true)}, {"laminar"});
  const auto c = pp::compare_solver_statistics(runs, ref);
  ASSERT_TRUE(c.mkm.has_value());
  // MKM's own numbers with the same definitions: U_b+ 15.68 and the u_rms+ peak 2.658 (y+ ≈ 15),
  // Re_tau 178.12 from the file; its total stress is at equilibrium.
  EXPECT_NEAR(c.mkm->u_bulk_plus, 15.68, 0.01);
  EXPECT_NEAR(c.mkm->u_rms_peak.value, 2.658, 0.003);
  EXPECT_NEAR(c.mkm->u_rms_peak.y_plus, 15.0, 1.5);
  EXPECT_NEAR(c.mkm->re_tau, 178.12, 1e-9);
  EXPECT_LT(c.mkm->total_stress_deviation.value, 0.01);
  // Our laminar U+ = y+ (1 - y+/360) against MKM's up to our outermost node (the last cell
  // centre): the largest difference is there. Ours is interpolated linearly between nodes
  // (error <= |U+''| Δ+² / 8 = 0.16 for Δ+ <= 15).
  ASSERT_TRUE(c.vs_mkm[0].has_value());
  const auto mkm = pp::read_mkm_chan180_profiles(ref);
  const double top = c.runs[0].stats.y_plus.back();
  double largest = 0.0, where = 0.0;
  for (std::size_t i = 0; i < mkm.y_plus.size(); ++i) {
    const double yp = mkm.y_plus[i];
    if (yp <= top && std::abs(yp * (1 - yp / 360.0) - mkm.u_plus[i]) > largest) {
      largest = std::abs(yp * (1 - yp / 360.0) - mkm.u_plus[i]);
      where = yp;
    }
  }
  bool found = false;
  for (const auto& d : c.vs_mkm[0]->summary)
    if (d.name == "U+") {
      found = true;
      EXPECT_NEAR(d.max_abs, largest, 0.2);
      EXPECT_NEAR(d.y_plus_at_max, where, 1e-9);
    }
  EXPECT_TRUE(found);
  const std::string table = pp::stats_comparison_table(c);
  EXPECT_TRUE(contains(table, "| quantity | MKM 1999 | laminar |")) << table;
  char expected[64];
  std::snprintf(expected, sizeof expected, "%+.2f %% (outside 3 %%)",
                100 * (cell_average_bulk(g) - c.mkm->u_bulk_plus) / c.mkm->u_bulk_plus);
  EXPECT_TRUE(contains(table, expected)) << expected << "\n" << table;
  EXPECT_TRUE(contains(table, "U+ vs MKM: max \\|Δ\\| (at y+)")) << table;

  // Written: the table, the profiles for the plots, and the three plots.
  const auto written = pp::write_stats_comparison(c, (dir / "out").string());
  for (const char* name : {"stats-comparison.md", "stats-comparison.h5", "profiles-Uplus.png",
                           "profiles-rms.png", "profiles-uv.png"}) {
    const fs::path p = dir / "out" / name;
    ASSERT_TRUE(fs::is_regular_file(p)) << p;
    EXPECT_GT(fs::file_size(p), 1000u) << p;
  }
  const std::string md = eddyop::read_file(dir / "out" / "stats-comparison.md");
  EXPECT_TRUE(contains(md, table)) << md;
  EXPECT_TRUE(contains(md, "![profiles-Uplus](profiles-Uplus.png)")) << md;
  const eddyop::h5::Reader in((dir / "out" / "stats-comparison.h5").string());
  EXPECT_EQ(in.read_string("/", "runs"), "laminar");
  EXPECT_NEAR(in.read_double(eddyop::h5::field_path("r0_y_plus"), "re_tau"), 180.0, 1e-9);
  EXPECT_TRUE(in.has_field("mkm_u_plus"));
}
