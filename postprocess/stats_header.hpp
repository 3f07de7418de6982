// The part of stats.h5 that channel and periodic-box evaluations share: which runs it holds
// (labels, files, which is the truth) and the evaluation settings the numbers depend on.
#pragma once

#include <string>
#include <vector>

#include "core/hdf5/writer.hpp"
#include "core/strings.hpp"

namespace eddyop::postprocess {

// Run: anything with `label`, `file` and `is_truth`.
template <class Run>
void write_stats_header(h5::Writer& out, const std::vector<Run>& runs, const std::string& kind,
                        double error_threshold, double discard_time) {
  std::vector<std::string> labels, files;
  long long truth_index = -1;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    labels.push_back(runs[i].label);
    files.push_back(runs[i].file);
    if (runs[i].is_truth) truth_index = static_cast<long long>(i);
  }
  out.write_attribute(h5::kRoot, "dataset_kind", kind);
  out.write_attribute(h5::kRoot, "runs", join(labels, "\n"));
  out.write_attribute(h5::kRoot, "run_files", join(files, "\n"));
  out.write_attribute(h5::kRoot, "run_count", static_cast<long long>(runs.size()));
  out.write_attribute(h5::kRoot, "truth_run", truth_index);
  out.write_attribute(h5::kPhysicsGroup, "error_threshold", error_threshold);
  out.write_attribute(h5::kPhysicsGroup, "discard_time", discard_time);
}

}  // namespace eddyop::postprocess
