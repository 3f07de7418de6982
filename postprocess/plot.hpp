// The plot scripts (postprocess/plots/*.py), run with /usr/bin/python3 (or $EDDYOP_PYTHON) on a
// stats.h5 written by evaluate; matplotlib with the Agg backend, so no display is needed.
#pragma once

#include <string>
#include <vector>

namespace eddyop::postprocess {

struct PlotOptions {
  std::string slice_component = "u";  // u, v or w: the field of the slices
  int dpi = 110;
};

// The folder of the scripts: $EDDYOP_PLOT_DIR, else the source tree's postprocess/plots.
std::string plot_scripts_dir();
// $EDDYOP_PYTHON, else /usr/bin/python3.
std::string python_executable();

// Runs every script on `stats_h5`, writing PNGs into `out_dir`; returns the PNGs written.
// A script that fails is an eddyop::Error naming the script, its exit status and the tail of
// its standard error.
std::vector<std::string> run_plot_scripts(const std::string& stats_h5, const std::string& out_dir,
                                          const PlotOptions& options = {});

// Runs one script of that folder (by file name) the same way; returns the PNGs it wrote.
std::vector<std::string> run_plot_script(const std::string& script, const std::string& stats_h5,
                                         const std::string& out_dir,
                                         const PlotOptions& options = {});

}  // namespace eddyop::postprocess
