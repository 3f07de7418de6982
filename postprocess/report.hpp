// The evaluation report: report.md and a self-contained report.html (plots embedded as base64
// data URIs), both made from metrics.json and the PNGs in <eval>/plots.
#pragma once

#include <string>
#include <vector>

namespace eddyop::postprocess {

// The plots of one evaluation: <eval_dir>/plots/<name>.png, in the order shown.
struct PlotFile {
  std::string name;     // "u_plus"
  std::string caption;  // "Mean velocity in wall units"
};
// `kind`: "channel" (profiles, 1-D spectra, errors, slices) or "periodic_box" (shell spectra,
// errors, slices), as metrics.json's "kind" says.
const std::vector<PlotFile>& report_plots(const std::string& kind = "channel");

// Runs the plot scripts (plot.hpp) first only when asked elsewhere; this reads
// <eval_dir>/metrics.json and writes <eval_dir>/report.md and report.html, embedding the plots
// that exist. Returns the path of report.md.
std::string write_report(const std::string& eval_dir);

// The end of every evaluation: <out_dir>/metrics.json (atomically), the plots drawn from
// `stats_h5` when `plots`, then the report. Returns the path of report.md.
std::string finish_evaluation(const std::string& metrics_json, const std::string& stats_h5,
                              const std::string& out_dir, bool plots);

// Standard base64 (RFC 4648, with padding).
std::string base64_encode(const std::string& bytes);

}  // namespace eddyop::postprocess
