// The `generate` stage: makes the dataset with the solver the case names (solvers/generate.hpp)
// and writes an .xmf beside it, so that ParaView opens the HDF5 file directly.
#pragma once

#include <string>

#include "eddyop/stages.hpp"

namespace eddyop::cli {

StageResult run_generate(const StageContext& context);

// Writes `<dataset without .h5>.xmf` for a dataset made by `solver` (rank 0's job):
// NS2D: sample 0's vorticity as a time series; Darcy: a and u with the samples as time steps;
// Burgers: u0 and uT as images, sample along one axis and x along the other; channel:
// trajectory 0's u, v, w, p over the stretched grid as a time series.
std::string write_dataset_xdmf(const std::string& dataset, const std::string& solver);

}  // namespace eddyop::cli
