// `eddyop evaluate`: statistics, spectra, rollout errors (every trajectory and their mean) and the
// MKM comparison of channel runs, or the same for periodic boxes (box_evaluate.hpp: shell spectra,
// no MKM) — the kind is read from the files (dataset_kind.hpp) — written as <out>/stats.h5,
// <out>/metrics.json, <out>/plots/*.png, <out>/report.md and <out>/report.html. The layout of
// stats.h5 is in docs/postprocess.md.
#pragma once

#include <string>
#include <vector>

namespace eddyop::postprocess {

struct EvaluateOptions {
  std::vector<std::string> labels;  // one per file; empty: the file stems
  std::vector<std::string> files;   // runs (models, LES, DNS) in our HDF5 layout
  std::string truth;  // filtered DNS or a rollout's dataset, for the errors; "" for none
  std::string truth_label = "filtered DNS";
  // The directory holding mkm1999/; "" or one without it: no comparison (a note in the report).
  std::string reference_dir;
  std::vector<double> y_plus{5.0, 10.0, 30.0, 98.0, 178.0};  // planes of the spectra
  double error_threshold = 0.2;                              // relative L2
  std::vector<long long> error_steps{1, 10, 50};             // steps reported in metrics.json
  double discard_time = 0.0;   // samples before this time are left out of statistics/spectra
  std::size_t trajectory = 0;  // the trajectory of the slices (errors: every trajectory)
  long long slice_step = -1;   // the step of the slices; negative counts from the end
  bool plots = true;           // run the plot scripts and embed them in the report
  std::string config_yaml;     // stored as provenance
  long long seed = 0;
};

// Validates every input file first (fields, axes, grids, physics; runs against the truth), then
// computes and writes everything into `out_dir` (created). Throws eddyop::Error.
void evaluate_files(const EvaluateOptions& options, const std::string& out_dir);

// $EDDYOP_REFERENCE_DIR, else <source>/../shared/reference, when either holds mkm1999/chan180;
// "" otherwise. A non-empty `configured` is returned as it is.
std::string resolve_reference_dir(const std::string& configured);

}  // namespace eddyop::postprocess
