// `evaluate` end to end on synthetic trajectories: the numbers in metrics.json and stats.h5
// (Re_τ of Poiseuille flow, the known relative error and its threshold crossing), the MKM note
// when the reference is absent, the plots (headless, valid PNGs), the report, bad input, and the
// case-file sections.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/hdf5/reader.hpp"
#include "postprocess/evaluate.hpp"
#include "postprocess/plot.hpp"
#include "postprocess/report.hpp"
#include "postprocess/stages.hpp"
#include "tests/postprocess/synthetic_channel.hpp"

namespace pp = eddyop::postprocess;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr double kGrowth = 0.01;

struct Inputs {
  fs::path dir;
  std::string truth, prediction;
  eddyop::test::SyntheticChannel ch;
};

Inputs make_inputs(const std::string& name) {
  Inputs in;
  in.dir = eddyop::test::scratch_dir(name);
  in.truth = (in.dir / "truth.h5").string();
  in.prediction = (in.dir / "model.h5").string();
  in.ch.write_truth(in.truth);
  in.ch.write_prediction(in.prediction, kGrowth);
  return in;
}

pp::EvaluateOptions options(const Inputs& in) {
  pp::EvaluateOptions o;
  o.files = {in.prediction};
  o.labels = {"FNO"};
  o.truth = in.truth;
  o.error_threshold = 0.045;
  o.error_steps = {1, 3, 99};
  o.reference_dir = (in.dir / "no-reference").string();
  o.plots = false;
  return o;
}

json read_json(const fs::path& p) {
  return json::parse(eddyop::read_file(p));
}

}  // namespace

TEST(Evaluate, PoiseuilleStatisticsAndKnownRolloutErrorInMetrics) {
  const Inputs in = make_inputs("evaluate_metrics");
  const fs::path out = in.dir / "eval";
  pp::evaluate_files(options(in), out.string());
  const json m = read_json(out / "metrics.json");
  ASSERT_EQ(m["runs"].size(), 2u);
  const json& truth = m["runs"][0];
  const json& model = m["runs"][1];
  EXPECT_EQ(truth["label"], "filtered DNS");
  EXPECT_TRUE(truth["is_truth"].get<bool>());
  EXPECT_EQ(model["label"], "FNO");
  // Poiseuille flow: Re_τ = u_τ h / ν = 180, U_c+ = Re_τ / 2, U_b+ = Re_τ / 3 (float32 data).
  EXPECT_NEAR(truth["re_tau"].get<double>(), 180.0, 1e-3);
  EXPECT_NEAR(truth["u_centre_plus"].get<double>(), 90.0, 1e-3);
  EXPECT_NEAR(truth["u_bulk_plus"].get<double>(), 60.0, 1e-3);
  EXPECT_EQ(truth["samples"].get<int>(), 12);  // 2 trajectories x 6 steps
  // u' = A sin(.) sin(πy/2): rms A/√2 at the centre, where it peaks.
  EXPECT_NEAR(truth["u_rms_plus_peak"]["value"].get<double>(), 2.0 / std::sqrt(2.0), 1e-4);
  EXPECT_NEAR(truth["u_rms_plus_peak"]["y_plus"].get<double>(), 180.0, 1e-3);
  // The prediction is the truth times (1 + 0.01 t): τ_w scales with the mean of that factor.
  EXPECT_NEAR(model["re_tau"].get<double>(), 180.0 * std::sqrt(1.025), 1e-3);

  const json& e = model["errors"];
  EXPECT_EQ(e["steps"].get<int>(), 6);
  EXPECT_EQ(e["channels"], json({"u", "v", "w", "p"}));
  ASSERT_EQ(e["at_steps"].size(), 2u);  // step 99 is beyond the rollout
  EXPECT_EQ(e["at_steps"][0]["step"].get<int>(), 1);
  EXPECT_NEAR(e["at_steps"][0]["rel_l2"].get<double>(), 0.01, 1e-6);
  EXPECT_NEAR(e["at_steps"][1]["rel_l2_channel"]["v"].get<double>(), 0.03, 1e-6);
  EXPECT_NEAR(e["at_steps"][1]["rel_l2_channel"]["p"].get<double>(), 0.03, 1e-6);
  EXPECT_NEAR(e["final"]["rel_l2"].get<double>(), 0.05, 1e-6);
  EXPECT_NEAR(e["final"]["correlation"].get<double>(), 1.0, 1e-6);
  // The norm of the truth is the same at every step, so the horizon error is the RMS of 0.01 t.
  EXPECT_NEAR(e["final"]["rel_l2_horizon"].get<double>(), 0.01 * std::sqrt(55.0 / 6.0), 1e-6);
  // 0.045 is crossed between step 4 (t = 2.0) and step 5 (t = 2.5): at t = 2.25.
  ASSERT_TRUE(e["threshold_crossing"]["crossed"].get<bool>());
  EXPECT_EQ(e["threshold_crossing"]["step"].get<int>(), 5);
  EXPECT_NEAR(e["threshold_crossing"]["time"].get<double>(), 2.25, 1e-4);
  EXPECT_FALSE(truth.contains("errors"));

  // No reference: a note, not a failure.
  EXPECT_FALSE(model["mkm"]["compared"].get<bool>());
  ASSERT_GE(m["notes"].size(), 1u);
  EXPECT_NE(m["notes"][0].get<std::string>().find("MKM"), std::string::npos);

  // stats.h5: our layout, kind statistics, the same numbers.
  eddyop::h5::Reader s((out / "stats.h5").string());
  EXPECT_EQ(s.kind(), "statistics");
  EXPECT_EQ(s.read_string("/", "runs"), "filtered DNS\nFNO");
  EXPECT_EQ(s.read_int("/", "truth_run"), 0);
  std::vector<double> err, uplus, spec;
  s.read_field(err, "r1_error_rel_l2");
  ASSERT_EQ(err.size(), 6u);
  for (std::size_t t = 0; t < 6; ++t) EXPECT_NEAR(err[t], 0.01 * static_cast<double>(t), 1e-6);
  s.read_field(uplus, "r0_u_plus");
  EXPECT_NEAR(uplus.back(), 90.0, 1e-3);
  EXPECT_NEAR(s.read_double(eddyop::h5::field_path("r0_u_plus"), "re_tau"), 180.0, 1e-3);
  EXPECT_EQ(s.field("r0_spectrum_x").shape, (eddyop::h5::Shape{5, 3, 5}));  // nx = 8: 5 modes
  EXPECT_EQ(s.field("r1_slice").shape, (eddyop::h5::Shape{3, 8, 17}));
  EXPECT_FALSE(s.read_provenance().version.empty());
  EXPECT_TRUE(fs::exists(out / "report.md"));
  EXPECT_TRUE(fs::exists(out / "report.html"));
}

TEST(Evaluate, DiscardTimeLeavesTheTransientOut) {
  const Inputs in = make_inputs("evaluate_discard");
  auto o = options(in);
  o.discard_time = 1.0;  // steps 0, 1 (t = 0, 0.5) of each trajectory
  pp::evaluate_files(o, (in.dir / "eval").string());
  const json m = read_json(in.dir / "eval" / "metrics.json");
  EXPECT_EQ(m["runs"][0]["samples"].get<int>(), 8);
  EXPECT_EQ(m["runs"][1]["samples"].get<int>(), 4);
  o.discard_time = 100.0;
  EXPECT_THROW(pp::evaluate_files(o, (in.dir / "eval2").string()), eddyop::Error);
}

TEST(Evaluate, ComparesWithMkmWhenTheReferenceIsPresent) {
  const std::string ref = eddyop::test::reference_dir();
  if (ref.empty()) GTEST_SKIP() << "no MKM reference (EDDYOP_REFERENCE_DIR)";
  const Inputs in = make_inputs("evaluate_mkm");
  auto o = options(in);
  o.reference_dir = ref;
  pp::evaluate_files(o, (in.dir / "eval").string());
  const json m = read_json(in.dir / "eval" / "metrics.json");
  const json& k = m["runs"][0]["mkm"];
  ASSERT_TRUE(k["compared"].get<bool>());
  EXPECT_NEAR(k["re_tau_reference"].get<double>(), 178.12, 0.01);
  // Laminar flow is far from MKM's turbulent profile: U+ differs by tens at the centre.
  EXPECT_GT(k["profiles"]["U+"]["max_abs"].get<double>(), 30.0);
  EXPECT_GT(k["spectra"].size(), 0u);
  eddyop::h5::Reader s((in.dir / "eval" / "stats.h5").string());
  EXPECT_TRUE(s.has_field("mkm_u_plus"));
  EXPECT_TRUE(s.has_field("mkm_spectrum_x_p0"));
  const std::string md = eddyop::read_file(in.dir / "eval" / "report.md");
  EXPECT_NE(md.find("| filtered DNS | U+ |"), std::string::npos) << md;
}

TEST(Evaluate, PlotsAreValidImagesAndTheReportEmbedsThem) {
  const Inputs in = make_inputs("evaluate_plots");
  auto o = options(in);
  o.plots = true;
  const std::string ref = eddyop::test::reference_dir();
  if (!ref.empty()) o.reference_dir = ref;
  const fs::path out = in.dir / "eval";
  pp::evaluate_files(o, out.string());
  for (const auto& p : pp::report_plots()) {
    const fs::path png = out / "plots" / (p.name + ".png");
    ASSERT_TRUE(fs::exists(png)) << png;
    const auto [w, h] = eddyop::test::png_size(png.string());
    EXPECT_GT(w, 300u) << png;
    EXPECT_GT(h, 200u) << png;
    EXPECT_LT(w, 5000u) << png;
  }
  const std::string md = eddyop::read_file(out / "report.md");
  EXPECT_NE(md.find("| FNO |"), std::string::npos);
  EXPECT_NE(md.find("![Mean velocity"), std::string::npos);
  EXPECT_NE(md.find("(plots/errors.png)"), std::string::npos);
  const std::string html = eddyop::read_file(out / "report.html");
  std::size_t images = 0;
  for (std::size_t p = html.find("data:image/png;base64,iVBOR"); p != std::string::npos;
       p = html.find("data:image/png;base64,iVBOR", p + 1))
    ++images;
  EXPECT_EQ(images, pp::report_plots().size());
  EXPECT_EQ(html.find("src=\"plots/"), std::string::npos);  // self-contained
}

TEST(Evaluate, AFailingPlotScriptIsNamedWithItsError) {
  const Inputs in = make_inputs("evaluate_plot_failure");
  auto o = options(in);
  pp::evaluate_files(o, (in.dir / "eval").string());
  const fs::path scripts = in.dir / "scripts";
  fs::create_directories(scripts);
  const std::string real = pp::plot_scripts_dir();
  for (const char* s : {"common.py", "spectra.py", "errors.py", "slices.py"})
    fs::copy_file(fs::path(real) / s, scripts / s);
  eddyop::write_file_atomic(scripts / "profiles.py", "raise ValueError('no axes for you')\n");
  ::setenv("EDDYOP_PLOT_DIR", scripts.c_str(), 1);
  try {
    pp::run_plot_scripts((in.dir / "eval" / "stats.h5").string(), (in.dir / "plots").string());
    ::unsetenv("EDDYOP_PLOT_DIR");
    FAIL() << "no error";
  } catch (const eddyop::Error& e) {
    ::unsetenv("EDDYOP_PLOT_DIR");
    const std::string what = e.what();
    EXPECT_NE(what.find("profiles.py"), std::string::npos) << what;
    EXPECT_NE(what.find("no axes for you"), std::string::npos) << what;
  }
}

TEST(Evaluate, BadInputIsRefusedBeforeAnythingIsWritten) {
  const Inputs in = make_inputs("evaluate_bad");
  eddyop::test::SyntheticChannel other = in.ch;
  other.ny = 9;
  other.y = eddyop::test::stretched_y(9);
  const std::string coarse = (in.dir / "coarse.h5").string();
  other.write_prediction(coarse, 0.0);
  auto o = options(in);
  o.files = {coarse};
  const fs::path out = in.dir / "eval";
  try {
    pp::evaluate_files(o, out.string());
    FAIL() << "no error";
  } catch (const eddyop::Error& e) {
    EXPECT_NE(std::string(e.what()).find("9 nodes along y"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(out / "stats.h5"));
  o.files = {(in.dir / "missing.h5").string()};
  EXPECT_THROW(pp::evaluate_files(o, out.string()), eddyop::Error);
  o = options(in);
  o.labels = {"a", "b"};
  EXPECT_THROW(pp::evaluate_files(o, out.string()), eddyop::Error);
}

TEST(Evaluate, RunsFromACaseFileWithItsSections) {
  const Inputs in = make_inputs("evaluate_case");
  eddyop::config::Section root("case file", "test");
  eddyop::config::Section c("case", "");
  c.add_int("seed", 0, "");
  root.add_section(c);
  root.add_section(pp::evaluate_section());
  root.add_section(pp::export_section());
  root.add_section(pp::plot_section());
  const std::string yaml =
      "case: {seed: 7}\n"
      "evaluate:\n  files: [model.h5]\n  labels: [FNO]\n  truth: truth.h5\n"
      "  plots: false\n  reference_dir: none\n"
      "export:\n  steps: [-1]\n";
  const auto kase = eddyop::config::Case::parse(yaml, "test.yaml", root);
  pp::run_evaluate(kase, in.dir.string());
  const json m = read_json(in.dir / "eval" / "metrics.json");
  EXPECT_EQ(m["runs"][1]["label"], "FNO");
  eddyop::h5::Reader s((in.dir / "eval" / "stats.h5").string());
  EXPECT_EQ(s.read_provenance().seed, 7);
  EXPECT_NE(s.read_provenance().config_yaml.find("error_threshold"), std::string::npos);
  // Export takes evaluate's files under evaluate's labels, made file-name safe.
  pp::run_export(kase, in.dir.string());
  EXPECT_TRUE(fs::exists(in.dir / "export" / "filtered_DNS" / "filtered_DNS.pvd"));
  EXPECT_TRUE(fs::exists(in.dir / "export" / "FNO" / "FNO_00005.vtr"));
  EXPECT_TRUE(fs::exists(in.dir / "truth.xmf"));
  // A misspelt key is refused with the nearest accepted key.
  EXPECT_THROW(eddyop::config::Case::parse("evaluate: {error_treshold: 0.1}\n", "t.yaml", root),
               eddyop::Error);
}
