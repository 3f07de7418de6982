// Our channel profiles against the MKM reference: ours interpolated (linearly in y+) to MKM's y+,
// with the largest and the root-mean-square difference of each quantity.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "postprocess/channel_stats.hpp"
#include "postprocess/mkm_reference.hpp"

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

// The summary as a Markdown table (one row per quantity), for reports and logs.
std::string comparison_table(const ProfileComparison& comparison);

}  // namespace eddyop::postprocess
