// The Moser-Kim-Mansour reader parses the distributed files (values checked against the files),
// and our profiles compare with them; the tests skip when the reference data are absent.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <numeric>

#include "core/error.hpp"
#include "postprocess/mkm_reference.hpp"
#include "postprocess/reference_compare.hpp"
#include "tests/postprocess/helpers.hpp"

namespace pp = eddyop::postprocess;

#define REQUIRE_REFERENCE(dir)                                                            \
  const std::string dir = eddyop::test::reference_dir();                                  \
  if (dir.empty())                                                                        \
  GTEST_SKIP() << "MKM reference data not found: set EDDYOP_REFERENCE_DIR to the folder " \
                  "holding mkm1999/ (default ${EDDYOP_SOURCE_DIR}/../shared/reference)"

TEST(MkmReference, ProfilesParseWithColumnsByNameAndKnownValues) {
  REQUIRE_REFERENCE(ref);
  const auto p = pp::read_mkm_chan180_profiles(ref);
  EXPECT_NEAR(p.re_tau, 178.12, 1e-12);
  EXPECT_EQ(p.means.columns, (std::vector<std::string>{"y", "y+", "Umean", "dUmean/dy", "Wmean",
                                                       "dWmean/dy", "Pmean"}));
  EXPECT_EQ(p.reystress.columns[5], "R_uv");
  ASSERT_EQ(p.means.rows(), 65u);
  EXPECT_EQ(p.means.parameters.at("ny"), 129.0);
  EXPECT_EQ(p.means.header.at("Normalization"), "U_tau, h");
  // Row 2 of chan180.means: 1.2045e-03 2.1456e-01 2.1443e-01 1.7791e+02 ...
  EXPECT_DOUBLE_EQ(p.means.column("y")[2], 1.2045e-03);
  EXPECT_DOUBLE_EQ(p.means.column("dUmean/dy")[2], 1.7791e+02);
  // The last row is the centreline; row of y+ = 30.019 in chan180.reystress: R_uv = -7.2308e-01.
  EXPECT_DOUBLE_EQ(p.y.back(), 1.0);
  EXPECT_DOUBLE_EQ(p.y_plus.back(), 178.12);
  const auto& yp = p.reystress.column("y+");
  const auto row = static_cast<std::size_t>(
      std::find_if(yp.begin(), yp.end(), [](double v) { return std::abs(v - 30.019) < 1e-3; }) -
      yp.begin());
  ASSERT_LT(row, yp.size());
  EXPECT_DOUBLE_EQ(p.uv_plus[row], -7.2308e-01);
  EXPECT_NEAR(p.u_rms_plus[row], std::sqrt(4.9093), 1e-12);
  // In wall units the wall gradient dU+/dy+ is 1 and the total stress 1 at the wall.
  EXPECT_NEAR(p.dudy_plus[0], 1.0, 1e-12);
  EXPECT_NEAR(p.total_stress_plus[0], 1.0, 1e-12);
  // Peak u_rms+ 2.658 near y+ 15 (shared/reference/README.md).
  const auto peak = std::max_element(p.u_rms_plus.begin(), p.u_rms_plus.end());
  EXPECT_NEAR(*peak, 2.658, 0.01);
  EXPECT_NEAR(p.y_plus[static_cast<std::size_t>(peak - p.u_rms_plus.begin())], 15.3, 1.5);
}

TEST(MkmReference, SpectraParseAndSumToTheVariance) {
  REQUIRE_REFERENCE(ref);
  EXPECT_EQ(pp::mkm_chan180_spectrum_locations(ref),
            (std::vector<int>{5, 10, 19, 30, 40, 59, 79, 98, 178}));
  const auto x = pp::read_mkm_chan180_spectrum(ref, 'x', 5);
  EXPECT_EQ(x.columns, (std::vector<std::string>{"k_x", "E_uu", "E_vv", "E_ww", "E_pp"}));
  EXPECT_NEAR(x.parameters.at("y+"), 5.34, 1e-12);
  EXPECT_EQ(x.rows(), 64u);
  EXPECT_DOUBLE_EQ(x.column("E_uu")[1], 8.4945e-01);
  EXPECT_DOUBLE_EQ(x.column("k_x")[1], 0.5);
  // MKM normalise as spectra.hpp does: Σ_k E_uu = <u'u'>+ (4.9093 at y+ = 30).
  for (char axis : {'x', 'z'}) {
    const auto s = pp::read_mkm_chan180_spectrum(ref, axis, 30);
    const auto& e = s.column("E_uu");
    EXPECT_NEAR(std::accumulate(e.begin(), e.end(), 0.0), 4.9093, 2e-3) << axis;
  }
  EXPECT_DOUBLE_EQ(pp::read_mkm_chan180_spectrum(ref, 'z', 30).column("k_z")[1], 1.5);
}

TEST(MkmReference, MissingFilesAndColumnsAreErrorsNamingThem) {
  try {
    pp::read_mkm_chan180_profiles("/nonexistent/reference");
    FAIL() << "no error";
  } catch (const eddyop::Error& e) {
    EXPECT_NE(e.message().find("/nonexistent/reference/mkm1999/chan180"), std::string::npos)
        << e.what();
    EXPECT_NE(e.hint().find("EDDYOP_REFERENCE_DIR"), std::string::npos);
  }
  REQUIRE_REFERENCE(ref);
  const auto p = pp::read_mkm_chan180_profiles(ref);
  try {
    p.means.column("Vmean");
    FAIL() << "no error";
  } catch (const eddyop::Error& e) {
    EXPECT_NE(e.message().find("Vmean"), std::string::npos);
    EXPECT_NE(e.hint().find("Umean"), std::string::npos);
  }
  EXPECT_THROW(pp::read_mkm_chan180_spectrum(ref, 'x', 31), eddyop::Error);
  EXPECT_THROW(pp::read_mkm_chan180_spectrum(ref, 'y', 30), eddyop::Error);
}

TEST(MkmReference, MalformedTableIsAnErrorWithTheLine) {
  const auto dir = eddyop::test::scratch_dir("mkm_malformed");
  const auto path = (dir / "bad.means").string();
  std::ofstream(path) << "# Re_tau = 100\n#---End of Header---\n#  y  U\n 0.0 1.0\n 0.5 2.0 3.0\n";
  try {
    pp::read_mkm_table(path);
    FAIL() << "no error";
  } catch (const eddyop::Error& e) {
    EXPECT_NE(e.message().find("line 5"), std::string::npos) << e.what();
  }
}

namespace {
// Our statistics built from the reference itself, at a given Re_tau (wall units only).
pp::ChannelStats stats_from(const pp::MkmProfiles& p, double re_tau, double u_shift) {
  pp::ChannelStats s;
  s.re_tau = re_tau;
  for (std::size_t i = 0; i < p.y.size(); ++i) {
    s.y_plus.push_back(p.y[i] * re_tau);
    s.u_plus.push_back(p.u_plus[i] + u_shift);
    s.u_rms_plus.push_back(p.u_rms_plus[i]);
    s.v_rms_plus.push_back(p.v_rms_plus[i]);
    s.w_rms_plus.push_back(p.w_rms_plus[i]);
    s.uv_plus.push_back(p.uv_plus[i]);
    s.total_stress_plus.push_back(p.total_stress_plus[i]);
  }
  return s;
}
}  // namespace

TEST(MkmCompare, IdenticalProfilesDifferByNothingAndAShiftIsReported) {
  REQUIRE_REFERENCE(ref);
  const auto p = pp::read_mkm_chan180_profiles(ref);
  const auto same = pp::compare_with_mkm(stats_from(p, p.re_tau, 0.0), p);
  EXPECT_EQ(same.y_plus.size(), p.y_plus.size());
  ASSERT_EQ(same.summary.size(), 6u);
  for (const auto& d : same.summary) EXPECT_NEAR(d.max_abs, 0.0, 5e-3) << d.name;

  const auto shifted = pp::compare_with_mkm(stats_from(p, p.re_tau, 0.5), p);
  EXPECT_EQ(shifted.summary[0].name, "U+");
  EXPECT_NEAR(shifted.summary[0].max_abs, 0.5, 5e-3);
  EXPECT_NEAR(shifted.summary[0].rms, 0.5, 5e-3);
  EXPECT_NE(pp::comparison_table(shifted).find("| U+ |"), std::string::npos);

  // A flow at a lower Re_tau is compared where the two overlap.
  const auto lower = pp::compare_with_mkm(stats_from(p, 170.0, 0.0), p);
  EXPECT_LT(lower.y_plus.size(), p.y_plus.size());
  EXPECT_LE(lower.y_plus.back(), 170.0);
}

TEST(MkmCompare, ReferenceAtAnotherReynoldsNumberIsRefused) {
  REQUIRE_REFERENCE(ref);
  const auto p = pp::read_mkm_chan180_profiles(ref);
  try {
    pp::compare_with_mkm(stats_from(p, 395.0, 0.0), p);
    FAIL() << "no error";
  } catch (const eddyop::Error& e) {
    EXPECT_NE(e.message().find("Re_tau = 395"), std::string::npos) << e.what();
    EXPECT_NE(e.message().find("178.12"), std::string::npos) << e.what();
  }
}

TEST(MkmCompare, SpectrumEqualToTheReferenceDiffersByNothingAndAnotherWallDistanceIsRefused) {
  REQUIRE_REFERENCE(ref);
  const auto x30 = pp::read_mkm_chan180_spectrum(ref, 'x', 30);
  pp::ChannelStats stats;
  stats.u_tau = 2.0;
  stats.tau_wall = 4.0;
  stats.h = 1.0;
  stats.nu = stats.u_tau / 178.12;
  pp::LineSpectrum ours;
  ours.ncomp = 2;  // (v, u): compare component 1
  ours.dk = 0.5;
  ours.wall_distance = x30.parameters.at("y") * stats.h;
  ours.k = x30.column("k_x");
  ours.energy = x30.column("E_vv");
  for (double e : x30.column("E_uu")) ours.energy.push_back(e * stats.tau_wall);
  for (std::size_t m = 0; m < ours.k.size(); ++m) ours.energy[m] *= stats.tau_wall;
  const auto c = pp::compare_spectrum_with_mkm(ours, 1, stats, x30, "E_uu");
  EXPECT_NEAR(c.y_plus, 30.02, 0.01);
  EXPECT_EQ(c.k.size(), ours.k.size() - 1);  // k = 0 is left out
  EXPECT_NEAR(c.max_abs_log10, 0.0, 1e-12);
  EXPECT_NEAR(c.variance, c.variance_reference, 1e-9);
  EXPECT_NEAR(c.reference[0], x30.column("E_uu")[1] / 0.5, 1e-12);  // density E / dk

  const auto x59 = pp::read_mkm_chan180_spectrum(ref, 'x', 59);
  try {
    pp::compare_spectrum_with_mkm(ours, 1, stats, x59, "E_uu");
    FAIL() << "no error";
  } catch (const eddyop::Error& e) {
    EXPECT_NE(e.message().find("y+ = 30.0"), std::string::npos) << e.what();
    EXPECT_NE(e.message().find("59"), std::string::npos) << e.what();
  }
  EXPECT_THROW(pp::compare_spectrum_with_mkm(ours, 1, stats, x30, "E_xx"), eddyop::Error);
}
