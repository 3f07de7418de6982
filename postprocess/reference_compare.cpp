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
