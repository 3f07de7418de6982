// `eddyop export`: ParaView files of channel datasets and trajectories — a .vtr per chosen
// snapshot with a .pvd over them, and an .xmf beside each HDF5 file so ParaView opens it as is.
#pragma once

#include <string>
#include <vector>

namespace eddyop::postprocess {

struct ExportOptions {
  std::vector<std::string> files;   // channel datasets/trajectories (channel_source.hpp)
  std::vector<std::string> labels;  // one per file (the folder of its series); empty: stems
  std::vector<long long> steps;     // snapshots (time indices); empty: every `stride`-th
  long long stride = 1;
  std::size_t trajectory = 0;
  bool vorticity = true, q_criterion = true;
  bool vtk = true;                      // write the .vtr series and .pvd
  bool xdmf = true;                     // write <file>.xmf beside each file (also for xdmf_files)
  std::vector<std::string> xdmf_files;  // more HDF5 files (any kind) that get an .xmf only
};

// Writes <out_dir>/<label>/<label>_<step>.vtr and <out_dir>/<label>/<label>.pvd per file, and the
// .xmf files; returns the paths written (.pvd and .xmf).
std::vector<std::string> export_files(const ExportOptions& options, const std::string& out_dir);

// <path without .h5>.xmf beside `h5_path`, describing every field with x, y, z axes over the
// /grid coordinates (a time series over a leading time axis, other leading axes fixed at 0).
// Returns the .xmf's path, or "" when the file holds no such field (e.g. 1-D statistics).
std::string write_file_xdmf(const std::string& h5_path);

}  // namespace eddyop::postprocess
