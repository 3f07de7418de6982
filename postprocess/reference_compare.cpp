#include "postprocess/reference_compare.hpp"

#include <cmath>
#include <iomanip>
#include <sstream>
#include <utility>

#include "core/error.hpp"

namespace eddyop::postprocess {

ProfileComparison compare_with_mkm(const ChannelStats& ours, const MkmProfiles& reference,
                                   const CompareOptions& options) {
  EDDYOP_CHECK(ours.y_plus.size() >= 2, "mkm-compare",
               "our profile has " << ours.y_plus.size() << " points; at least 2 are needed");
  EDDYOP_CHECK(!reference.y_plus.empty(), "mkm-compare", "the reference profile is empty");
  const double mismatch = std::abs(ours.re_tau - reference.re_tau) / reference.re_tau;
  EDDYOP_CHECK_HINT(
      mismatch <= options.max_re_tau_mismatch, "mkm-compare",
      "the flow's Re_tau = " << ours.re_tau << " does not match the reference's "
                             << reference.re_tau << " (off by " << 100 * mismatch << "%, more than "
                             << 100 * options.max_re_tau_mismatch << "%)",
      "compare with a reference at the same Reynolds number, or check nu and the grid");

  const std::vector<
      std::pair<std::string, std::pair<const std::vector<double>*, const std::vector<double>*>>>
      quantities = {
          {"U+", {&ours.u_plus, &reference.u_plus}},
          {"u_rms+", {&ours.u_rms_plus, &reference.u_rms_plus}},
          {"v_rms+", {&ours.v_rms_plus, &reference.v_rms_plus}},
          {"w_rms+", {&ours.w_rms_plus, &reference.w_rms_plus}},
          {"uv+", {&ours.uv_plus, &reference.uv_plus}},
          {"total_stress+", {&ours.total_stress_plus, &reference.total_stress_plus}},
      };

  ProfileComparison c;
  c.re_tau = ours.re_tau;
  c.re_tau_reference = reference.re_tau;
  const double top = ours.y_plus.back() * (1.0 + 1e-9);
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < reference.y_plus.size(); ++i) {
    if (reference.y_plus[i] >= ours.y_plus.front() && reference.y_plus[i] <= top) {
      rows.push_back(i);
      c.y_plus.push_back(reference.y_plus[i]);
    }
  }
  EDDYOP_CHECK(!rows.empty(), "mkm-compare",
               "our profile (y+ " << ours.y_plus.front() << " .. " << ours.y_plus.back()
                                  << ") and the reference share no wall distances");

  for (const auto& [name, arrays] : quantities) {
    const auto& mine = *arrays.first;
    const auto& ref = *arrays.second;
    EDDYOP_CHECK(mine.size() == ours.y_plus.size(), "mkm-compare",
                 "our profile of " << name << " has " << mine.size() << " values for "
                                   << ours.y_plus.size() << " wall distances");
    QuantityDifference d;
    d.name = name;
    double sum2 = 0.0;
    auto& o = c.ours[name];
    auto& r = c.reference[name];
    for (std::size_t i : rows) {
      const double yp = reference.y_plus[i];
      o.push_back(interpolate_linear(ours.y_plus, mine, yp));
      r.push_back(ref[i]);
      const double diff = std::abs(o.back() - r.back());
      sum2 += diff * diff;
      if (diff > d.max_abs) {
        d.max_abs = diff;
        d.y_plus_at_max = yp;
      }
      d.reference_scale = std::max(d.reference_scale, std::abs(ref[i]));
    }
    d.rms = std::sqrt(sum2 / static_cast<double>(rows.size()));
    d.max_rel = d.reference_scale > 0.0 ? d.max_abs / d.reference_scale : 0.0;
    c.summary.push_back(d);
  }
  return c;
}

SpectrumComparison compare_spectrum_with_mkm(const LineSpectrum& ours, std::size_t component,
                                             const ChannelStats& stats, const MkmTable& reference,
                                             const std::string& column) {
  EDDYOP_CHECK(component < ours.ncomp, "mkm-compare",
               "component " << component << " of a spectrum with " << ours.ncomp);
  EDDYOP_CHECK(stats.u_tau > 0.0 && stats.h > 0.0 && stats.nu > 0.0, "mkm-compare",
               "the channel statistics hold no u_tau, h or nu");
  const std::size_t nk = ours.k.size();
  EDDYOP_CHECK(nk >= 2 && ours.energy.size() == ours.ncomp * nk, "mkm-compare",
               "our spectrum has " << nk << " wavenumbers and " << ours.energy.size()
                                   << " values for " << ours.ncomp << " components");
  SpectrumComparison c;
  c.column = column;
  c.y_plus = ours.wall_distance * stats.u_tau / stats.nu;
  const auto yp = reference.parameters.find("y+");
  EDDYOP_CHECK(yp != reference.parameters.end(), "mkm-compare",
               "'" << reference.path << "' gives no y+ in its header");
  c.y_plus_reference = yp->second;
  EDDYOP_CHECK_HINT(
      std::abs(c.y_plus - c.y_plus_reference) <= std::max(1.0, 0.1 * c.y_plus_reference),
      "mkm-compare",
      "our spectrum is at y+ = " << c.y_plus << " but the reference '" << reference.path
                                 << "' at y+ = " << c.y_plus_reference,
      "take our spectrum at the plane nearest to the reference's y+ (planes_at_wall_distance)");
  const std::string kname = reference.columns.empty() ? "" : reference.columns.front();
  const auto& kref = reference.column(kname);
  const auto& eref = reference.column(column);
  EDDYOP_CHECK(kref.size() >= 2, "mkm-compare", "'" << reference.path << "' has too few rows");
  const double dk_ref = kref[1] - kref[0];

  std::vector<double> kh(nk), density(nk);
  for (std::size_t m = 0; m < nk; ++m) {
    kh[m] = ours.k[m] * stats.h;
    density[m] = ours.energy[component * nk + m] / (stats.tau_wall * ours.dk * stats.h);
    c.variance += ours.energy[component * nk + m] / stats.tau_wall;
  }
  for (double e : eref) c.variance_reference += e;
  double sum2 = 0.0;
  for (std::size_t i = 0; i < kref.size(); ++i) {
    if (kref[i] <= 0.0 || kref[i] < kh[1] || kref[i] > kh.back() * (1.0 + 1e-12)) continue;
    const double mine = interpolate_linear(kh, density, kref[i]);
    const double ref = eref[i] / dk_ref;
    c.k.push_back(kref[i]);
    c.ours.push_back(mine);
    c.reference.push_back(ref);
    if (mine > 0.0 && ref > 0.0) {
      const double d = std::abs(std::log10(mine / ref));
      c.max_abs_log10 = std::max(c.max_abs_log10, d);
      sum2 += d * d;
    }
  }
  EDDYOP_CHECK(!c.k.empty(), "mkm-compare",
               "our wavenumbers (k h " << kh[1] << " .. " << kh.back() << ") and those of '"
                                       << reference.path << "' do not overlap");
  c.rms_log10 = std::sqrt(sum2 / static_cast<double>(c.k.size()));
  return c;
}

std::string comparison_table(const ProfileComparison& comparison) {
  std::ostringstream out;
  out << "Re_tau " << std::setprecision(5) << comparison.re_tau << " vs reference "
      << comparison.re_tau_reference << ", " << comparison.y_plus.size() << " points\n\n";
  out << "| quantity | max abs diff | at y+ | rms diff | max rel diff |\n";
  out << "|---|---|---|---|---|\n";
  for (const auto& d : comparison.summary) {
    out << "| " << d.name << " | " << std::setprecision(4) << d.max_abs << " | "
        << std::setprecision(4) << d.y_plus_at_max << " | " << d.rms << " | " << d.max_rel
        << " |\n";
  }
  return out.str();
}

}  // namespace eddyop::postprocess
