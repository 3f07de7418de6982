// Our channel profiles against the MKM reference: ours interpolated (linearly in y+) to MKM's y+,
// with the largest and the root-mean-square difference of each quantity.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "postprocess/channel_stats.hpp"
#include "postprocess/mkm_reference.hpp"
#include "postprocess/spectra.hpp"

namespace eddyop::postprocess {

struct CompareOptions {
  // Largest relative difference of Re_tau accepted: beyond it the two flows are not comparable
  // in wall units and the comparison is refused.
  double max_re_tau_mismatch = 0.25;
};

struct QuantityDifference {
  std::string name;              // "U+", "u_rms+", "v_rms+", "w_rms+", "uv+", "total_stress+"
  double max_abs = 0.0;          // max |ours - reference|
  double y_plus_at_max = 0.0;    // where it is largest
  double rms = 0.0;              // sqrt(mean (ours - reference)²) over the compared points
  double reference_scale = 0.0;  // max |reference|, to read the differences against
  double max_rel = 0.0;          // max_abs / reference_scale
};

struct ProfileComparison {
  double re_tau = 0.0, re_tau_reference = 0.0;
  std::vector<double> y_plus;  // (m) the reference's y+ that lie within our profile
  std::map<std::string, std::vector<double>> ours, reference;  // (m) each, by quantity name
  std::vector<QuantityDifference> summary;
};

ProfileComparison compare_with_mkm(const ChannelStats& ours, const MkmProfiles& reference,
                                   const CompareOptions& options = {});

// One component of our line spectrum against an MKM spectrum at the same wall distance, as
// spectral densities in outer units so that boxes of different lengths compare: ours
// E / (u_τ² dk h) against k h, MKM's E / dk against k (their k is in 1/h). Ours is interpolated
// linearly at MKM's wavenumbers k > 0 within our range; differences are decades (log10 ratios).
struct SpectrumComparison {
  std::string column;  // "E_uu", ...
  double y_plus = 0.0, y_plus_reference = 0.0;
  std::vector<double> k;                // (m) MKM wavenumbers compared (k h)
  std::vector<double> ours, reference;  // (m) densities
  double max_abs_log10 = 0.0;           // max |log10(ours / reference)|
  double rms_log10 = 0.0;
  double variance = 0.0, variance_reference = 0.0;  // Σ E in u_τ² units: <u'u'>+ etc.
};

// `stats` gives u_τ, h and ν for our spectrum. The wall distances must agree to within
// max(1, 10 %) in y+; the comparison is refused otherwise.
SpectrumComparison compare_spectrum_with_mkm(const LineSpectrum& ours, std::size_t component,
                                             const ChannelStats& stats, const MkmTable& reference,
                                             const std::string& column);

// The summary as a Markdown table (one row per quantity), for reports and logs.
std::string comparison_table(const ProfileComparison& comparison);

}  // namespace eddyop::postprocess
