// The post-processing stages of a case — `evaluate`, `export`, `plot` — as the command line
// calls them: each has its case-file section and a function taking the validated case and the
// run directory. Only rank 0 works; the other ranks return at once.
//
//   evaluate: <run_dir>/eval/{stats.h5, metrics.json, plots/*.png, report.md, report.html}
//   export:   <run_dir>/export/<label>/<label>_<step>.vtr (.vti: a periodic box) + <label>.pvd,
//             and <file>.xmf beside each HDF5 file exported
//   plot:     redraws <run_dir>/eval/plots from stats.h5 and rewrites the report
//
// Relative file names in the case are looked up in the run directory first, then as given.
#pragma once

#include <string>

#include "core/config.hpp"
#include "postprocess/evaluate.hpp"
#include "postprocess/export.hpp"

namespace eddyop::postprocess {

config::Section evaluate_section();
config::Section export_section();
config::Section plot_section();

void run_evaluate(const config::Case& c, const std::string& run_dir);
void run_export(const config::Case& c, const std::string& run_dir);
void run_plot(const config::Case& c, const std::string& run_dir);

// The options a case gives (for the CLI's explicit-files mode: fill them, then call
// evaluate_files / export_files directly).
EvaluateOptions evaluate_options(const config::Case& c, const std::string& run_dir);
ExportOptions export_options(const config::Case& c, const std::string& run_dir);

}  // namespace eddyop::postprocess
