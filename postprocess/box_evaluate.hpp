// `eddyop evaluate` of periodic-box runs (the NS2D vorticity, 3-D periodic velocities, any field
// on a uniform periodic grid; box_source.hpp): field statistics, shell spectra, the rollout errors
// of every trajectory against the truth with their mean, field slices, stats.h5, metrics.json,
// the plots and the report. evaluate_files (evaluate.hpp) comes here when the files are periodic
// boxes (dataset_kind.hpp). The layout of the outputs is in docs/postprocess.md.
#pragma once

#include <string>

#include "postprocess/evaluate.hpp"

namespace eddyop::postprocess {

void evaluate_box_files(const EvaluateOptions& options, const std::string& out_dir);

}  // namespace eddyop::postprocess
