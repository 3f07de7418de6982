// `evaluate` of periodic boxes end to end on synthetic NS2D-like files: the kind told from the
// file, the box read in any axis order, shell spectra that sum to the variance, the errors of every
// trajectory (a rollout's samples matched to the dataset's) and their mean, the plots and the
// report, and bad input refused with errors that name what is wrong.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/hdf5/reader.hpp"
#include "core/hdf5/writer.hpp"
#include "postprocess/box_source.hpp"
#include "postprocess/dataset_kind.hpp"
#include "postprocess/evaluate.hpp"
#include "postprocess/report.hpp"
#include "tests/error_of.hpp"
#include "tests/postprocess/helpers.hpp"
#include "tests/postprocess/synthetic_box.hpp"
#include "tests/postprocess/synthetic_channel.hpp"

namespace pp = eddyop::postprocess;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

using eddyop::testing::error_of;

struct Files {
  fs::path dir;
  std::string truth, rollout;
  eddyop::test::SyntheticBox box;
};

// Samples 2 and 0 rolled out, scaled by (1 + 0.02 t) and (1 + 0.06 t).
Files make_files(const std::string& name) {
  Files f;
  f.dir = eddyop::test::scratch_dir(name);
  f.truth = (f.dir / "dataset.h5").string();
  f.rollout = (f.dir / "rollout.h5").string();
  f.box.write_dataset(f.truth);
  f.box.write_rollout(f.rollout, {2, 0}, {0.02, 0.06});
  return f;
}

pp::EvaluateOptions options(const Files& f) {
  pp::EvaluateOptions o;
  o.files = {f.rollout};
  o.labels = {"FNO"};
  o.truth = f.truth;
  o.truth_label = "NS2D";
  o.error_threshold = 0.05;
  o.error_steps = {1, 4};
  o.plots = false;
  return o;
}

}  // namespace

TEST(DatasetKind, ChannelAndPeriodicBoxAreToldApartFromTheFile) {
  const Files f = make_files("box_kind");
  eddyop::test::SyntheticChannel ch;
  const std::string channel = (f.dir / "channel.h5").string();
  ch.write_truth(channel);
  EXPECT_EQ(pp::detect_dataset_kind(channel), pp::DatasetKind::channel);
  EXPECT_EQ(pp::detect_dataset_kind(f.truth), pp::DatasetKind::periodic_box);
  EXPECT_EQ(pp::detect_dataset_kind(f.rollout), pp::DatasetKind::periodic_box);
  auto o = options(f);
  o.files = {channel};
  const std::string e = error_of([&] { pp::evaluate_files(o, (f.dir / "eval").string()); });
  EXPECT_NE(e.find("is a channel file but"), std::string::npos) << e;
}

TEST(BoxSource, AxesInAnyOrderAndAGridFromAttributesReadTheSame) {
  Files f = make_files("box_source");
  const std::string bare = (f.dir / "bare.h5").string();
  f.box.write_dataset(bare, false);
  const pp::BoxSource data(f.truth), roll(f.rollout), no_grid(bare);
  EXPECT_EQ(data.dimension(), 2);
  EXPECT_EQ(data.channels(), std::vector<std::string>{"vorticity"});
  EXPECT_EQ(data.trajectories(), 3u);
  EXPECT_EQ(data.steps(), 5u);
  EXPECT_TRUE(data.trajectory_ids().empty());
  EXPECT_EQ(roll.trajectory_ids(), (std::vector<long long>{2, 0}));
  EXPECT_EQ(data.grid().dims(), (std::array<std::size_t, 3>{8, 6, 1}));
  EXPECT_NEAR(data.grid().period[0], 1.0, 1e-14);
  // The rollout's first step is its sample unscaled, stored y-x instead of x-y.
  std::vector<double> a, b, c;
  data.read_steps(a, 2, 0, 1);
  roll.read_steps(b, 0, 0, 1);
  ASSERT_EQ(a.size(), 48u);
  for (std::size_t p = 0; p < a.size(); ++p) EXPECT_NEAR(a[p], b[p], 1e-6) << p;
  EXPECT_NEAR(a[3 * 6 + 4], f.box.value(2, 0, 3, 4), 1e-6);
  // Without /grid: periods from /physics Lx, Ly, times from sampling_interval.
  no_grid.read_steps(c, 1, 3, 1);
  EXPECT_NEAR(c[5 * 6 + 1], f.box.value(1, 3, 5, 1), 1e-6);
  EXPECT_NEAR(no_grid.grid().period[1], 1.0, 1e-14);
  EXPECT_NEAR(no_grid.times()[4], 2.0, 1e-14);
  EXPECT_NO_THROW(data.expect_same_grid(no_grid));
}

TEST(BoxEvaluate, ErrorsOfEveryTrajectoryAndTheirMeanAreInMetricsAndStats) {
  const Files f = make_files("box_metrics");
  const fs::path out = f.dir / "eval";
  pp::evaluate_files(options(f), out.string());
  const json m = json::parse(eddyop::read_file(out / "metrics.json"));
  EXPECT_EQ(m["kind"], "periodic_box");
  ASSERT_EQ(m["runs"].size(), 2u);
  const json& truth = m["runs"][0];
  EXPECT_TRUE(truth["is_truth"].get<bool>());
  EXPECT_EQ(truth["samples"].get<int>(), 15);  // 3 samples x 5 steps
  EXPECT_FALSE(truth.contains("errors"));

  // Shell spectra: the vorticity's sums to the mean over samples of each sample's variance.
  double variance = 0.0, sum = 0.0, sum2 = 0.0;
  for (std::size_t s = 0; s < 3; ++s)
    for (std::size_t t = 0; t < 5; ++t) {
      double mean = 0.0, sq = 0.0;
      for (std::size_t i = 0; i < 8; ++i)
        for (std::size_t j = 0; j < 6; ++j) {
          const double v = static_cast<float>(f.box.value(s, t, i, j));
          mean += v / 48.0;
          sq += v * v / 48.0;
          sum += v;
          sum2 += v * v;
        }
      variance += (sq - mean * mean) / 15.0;
    }
  ASSERT_EQ(truth["spectra"].size(), 2u);
  EXPECT_EQ(truth["spectra"][0]["name"], "vorticity");
  EXPECT_NEAR(truth["spectra"][0]["total"].get<double>(), variance, 1e-9);
  EXPECT_EQ(truth["spectra"][1]["name"], "energy");  // from the 2-D vorticity
  EXPECT_NEAR(truth["rms"]["vorticity"].get<double>(),
              std::sqrt(sum2 / 720.0 - (sum / 720.0) * (sum / 720.0)), 1e-9);

  // Errors: trajectory r has rel. L2 = g_r t (t = 0, 0.5, .., 2); the mean 0.04 t.
  const json& e = m["runs"][1]["errors"];
  EXPECT_EQ(e["steps"].get<int>(), 5);
  EXPECT_EQ(e["trajectories"].get<int>(), 2);
  EXPECT_EQ(e["channels"], json({"vorticity"}));
  EXPECT_NEAR(e["at_steps"][0]["rel_l2"].get<double>(), 0.02, 1e-6);
  EXPECT_NEAR(e["final"]["rel_l2"].get<double>(), 0.08, 1e-6);
  EXPECT_NEAR(e["final_rel_l2_std"].get<double>(), 0.04, 1e-6);
  EXPECT_NEAR(e["final"]["correlation"].get<double>(), 1.0, 1e-6);
  // The mean crosses 0.05 between t = 1 (0.04) and t = 1.5 (0.06): at t = 1.25, step 3.
  ASSERT_TRUE(e["threshold_crossing"]["crossed"].get<bool>());
  EXPECT_EQ(e["threshold_crossing"]["step"].get<int>(), 3);
  EXPECT_NEAR(e["threshold_crossing"]["time"].get<double>(), 1.25, 1e-5);
  // Only the faster one crosses: 0.06 t = 0.05 between t = 0.5 and 1, at t = 5/6.
  EXPECT_EQ(e["trajectories_crossed"].get<int>(), 1);
  EXPECT_NEAR(e["crossing_time_mean"].get<double>(), 5.0 / 6.0, 1e-5);
  ASSERT_EQ(e["per_trajectory"].size(), 2u);
  EXPECT_EQ(e["per_trajectory"][0]["sample"].get<int>(), 2);
  EXPECT_EQ(e["per_trajectory"][0]["truth_trajectory"].get<int>(), 2);
  EXPECT_NEAR(e["per_trajectory"][0]["final"]["rel_l2"].get<double>(), 0.04, 1e-6);
  EXPECT_FALSE(e["per_trajectory"][0]["threshold_crossing"]["crossed"].get<bool>());
  EXPECT_EQ(e["per_trajectory"][1]["sample"].get<int>(), 0);
  EXPECT_NEAR(e["per_trajectory"][1]["final"]["rel_l2"].get<double>(), 0.12, 1e-6);
  EXPECT_NEAR(e["per_trajectory"][1]["threshold_crossing"]["time"].get<double>(), 5.0 / 6.0, 1e-5);

  eddyop::h5::Reader s((out / "stats.h5").string());
  EXPECT_EQ(s.read_string("/", "dataset_kind"), "periodic_box");
  EXPECT_EQ(s.field("r1_error_rel_l2_trajectories").shape, (eddyop::h5::Shape{2, 5}));
  std::vector<double> mean, std_, each;
  s.read_field(mean, "r1_error_rel_l2");
  s.read_field(std_, "r1_error_rel_l2_std");
  s.read_field(each, "r1_error_rel_l2_trajectories");
  for (std::size_t t = 0; t < 5; ++t) {
    EXPECT_NEAR(mean[t], 0.02 * static_cast<double>(t), 1e-6);
    EXPECT_NEAR(std_[t], 0.01 * static_cast<double>(t), 1e-6);
    EXPECT_NEAR(each[5 + t], 0.03 * static_cast<double>(t), 1e-6);
  }
  EXPECT_EQ(s.field("r0_shell_vorticity").shape, s.field("r0_shell_vorticity_k").shape);
  EXPECT_EQ(s.field("r1_slice").shape, (eddyop::h5::Shape{1, 8, 6}));
  EXPECT_EQ(s.read_int(eddyop::h5::field_path("r0_slice"), "trajectory"), 2);  // FNO's sample

  const std::string md = eddyop::read_file(out / "report.md");
  EXPECT_NE(md.find("periodic box"), std::string::npos);
  EXPECT_NE(md.find("Rollout errors per trajectory"), std::string::npos);
  EXPECT_NE(md.find("| FNO | 1 | 0 | 0.12 |"), std::string::npos) << md;
  EXPECT_NE(md.find("1 of 2"), std::string::npos) << md;
}

TEST(BoxEvaluate, PlotsAreDrawnHeadlessAndEmbeddedInTheReport) {
  const Files f = make_files("box_plots");
  auto o = options(f);
  o.plots = true;
  const fs::path out = f.dir / "eval";
  pp::evaluate_files(o, out.string());
  for (const auto& p : pp::report_plots("periodic_box")) {
    const auto size = eddyop::test::png_size((out / "plots" / (p.name + ".png")).string());
    EXPECT_GT(size.first, 200u) << p.name;
    EXPECT_GT(size.second, 150u) << p.name;
  }
  const std::string html = eddyop::read_file(out / "report.html");
  std::size_t images = 0;
  for (std::size_t p = html.find("data:image/png;base64,iVBOR"); p != std::string::npos;
       p = html.find("data:image/png;base64,iVBOR", p + 1))
    ++images;
  EXPECT_EQ(images, pp::report_plots("periodic_box").size());
}

TEST(BoxEvaluate, BadInputIsRefusedNamingWhatIsWrong) {
  Files f = make_files("box_bad");
  auto o = options(f);
  const std::string out = (f.dir / "eval").string();
  // A rollout on another grid.
  const std::string coarse = (f.dir / "coarse.h5").string();
  f.box.write_rollout(coarse, {0}, {0.0}, 0, 10);
  o.files = {coarse};
  std::string e = error_of([&] { pp::evaluate_files(o, out); });
  EXPECT_NE(e.find("has 10 nodes along x but"), std::string::npos) << e;
  EXPECT_NE(e.find("dataset.h5"), std::string::npos) << e;
  // A truth without the rollout's field.
  const std::string other = (f.dir / "other.h5").string();
  f.box.write_dataset(other, true, "w");
  o.files = {f.rollout};
  o.truth = other;
  e = error_of([&] { pp::evaluate_files(o, out); });
  EXPECT_NE(e.find("has no field 'vorticity'"), std::string::npos) << e;
  EXPECT_NE(e.find("the truth's fields are: w"), std::string::npos) << e;
  // A rollout of a sample the truth does not hold.
  const std::string far = (f.dir / "far.h5").string();
  f.box.write_rollout(far, {7}, {0.0});
  o.files = {far};
  o.truth = f.truth;
  e = error_of([&] { pp::evaluate_files(o, out); });
  EXPECT_NE(e.find("sample 7"), std::string::npos) << e;
  EXPECT_NE(e.find("only 3 trajectories"), std::string::npos) << e;
  // A file without any field on x, y, z.
  const std::string flat = (f.dir / "flat.h5").string();
  {
    eddyop::h5::Writer w(flat, "dataset", MPI_COMM_SELF);
    const std::vector<double> v(4, 1.0);
    w.write_field("energy", "time", v.data(), {4});
    w.close();
  }
  o.files = {flat};
  e = error_of([&] { pp::evaluate_files(o, out); });
  EXPECT_NE(e.find("no field on spatial axes"), std::string::npos) << e;
  EXPECT_NE(e.find("energy (time)"), std::string::npos) << e;
  EXPECT_FALSE(fs::exists(out));  // refused before anything was written
}

TEST(BoxEvaluate, ThreeDimensionalVelocityBoxGetsItsEnergySpectrumAndSlices) {
  // velocity (time, c, x, y, z) on the 2π box without coordinates: u = A cos(y + 2z),
  // v = B sin(3x), w = 0, so u'·u' = (A² + B²)/2 with A²/2 in shell √5 -> 2 and B²/2 in shell 3.
  const auto dir = eddyop::test::scratch_dir("box_3d");
  const std::string path = (dir / "box.h5").string();
  const std::size_t n = 8, nt = 2;
  const double a = 0.6, b = 0.9, pi = eddyop::test::SyntheticBox::kPi;
  {
    eddyop::h5::Writer w(path, "trajectory", MPI_COMM_SELF);
    std::vector<double> v;
    for (std::size_t t = 0; t < nt; ++t)
      for (std::size_t c = 0; c < 3; ++c)
        for (std::size_t i = 0; i < n; ++i)
          for (std::size_t j = 0; j < n; ++j)
            for (std::size_t k = 0; k < n; ++k) {
              const double x = 2 * pi * i / n, y = 2 * pi * j / n, z = 2 * pi * k / n;
              v.push_back(c == 0 ? a * std::cos(y + 2 * z) : c == 1 ? b * std::sin(3 * x) : 0.0);
            }
    const auto N = static_cast<std::int64_t>(n);
    w.write_field("velocity", "time,c,x,y,z", v.data(), {2, 3, N, N, N});
    for (const char* l : {"Lx", "Ly", "Lz"})
      w.write_attribute(eddyop::h5::kPhysicsGroup, l, 2 * pi);
    w.close();
  }
  pp::EvaluateOptions o;
  o.files = {path};
  o.plots = false;
  const fs::path out = dir / "eval";
  pp::evaluate_files(o, out.string());
  const json m = json::parse(eddyop::read_file(out / "metrics.json"));
  const json& r = m["runs"][0];
  EXPECT_EQ(r["dimension"].get<int>(), 3);
  EXPECT_EQ(r["channels"], json({"u", "v", "w"}));
  ASSERT_EQ(r["spectra"].size(), 1u);  // the velocity's is the energy spectrum
  EXPECT_EQ(r["spectra"][0]["name"], "velocity");
  EXPECT_NEAR(r["spectra"][0]["total"].get<double>(), (a * a + b * b) / 2, 1e-12);
  EXPECT_NEAR(r["rms"]["v"].get<double>(), b / std::sqrt(2.0), 1e-12);
  eddyop::h5::Reader s((out / "stats.h5").string());
  std::vector<double> e;
  s.read_field(e, "r0_shell_velocity");
  ASSERT_GE(e.size(), 4u);
  EXPECT_NEAR(e[2], a * a / 2, 1e-12);
  EXPECT_NEAR(e[3], b * b / 2, 1e-12);
  EXPECT_EQ(s.field("r0_slice").shape, (eddyop::h5::Shape{3, 8, 8}));
  EXPECT_NEAR(s.read_double(eddyop::h5::field_path("r0_slice"), "z"), pi, 1e-12);
}
