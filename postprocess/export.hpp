// `eddyop export`: ParaView files of datasets and trajectories — a .vtr (channel) or .vti
// (periodic box) per chosen snapshot with a .pvd over them, and an .xmf beside each HDF5 file so
// ParaView opens it as is.
#pragma once

#include <string>
#include <vector>

namespace eddyop::postprocess {

struct ExportOptions {
  std::vector<std::string> files;   // channel or periodic-box datasets/trajectories
  std::vector<std::string> labels;  // one per file (the folder of its series); empty: stems
  std::vector<long long> steps;     // snapshots (time indices); empty: every `stride`-th
  long long stride = 1;
  std::size_t trajectory = 0;
  // Per file, the trajectory to export instead of `trajectory` (empty: `trajectory` for all).
  std::vector<std::size_t> file_trajectories;
  bool vorticity = true, q_criterion = true;
  bool vtk = true;                      // write the .vtr series and .pvd
  bool xdmf = true;                     // write <file>.xmf beside each file (also for xdmf_files)
  std::vector<std::string> xdmf_files;  // more HDF5 files (any kind) that get an .xmf only
};

// Writes <out_dir>/<label>/<label>_<step>.vtr and <out_dir>/<label>/<label>.pvd per file, and the
// .xmf files; returns the paths written (.pvd and .xmf).
std::vector<std::string> export_files(const ExportOptions& options, const std::string& out_dir);

// <path without .h5>.xmf beside `h5_path`, describing every field on the spatial axes (1 to 3 of
// x, y, z) of the first: over the /grid coordinates, or a uniform mesh (origin and spacing from the
// coordinates, /physics L<axis>, or the unit length) where they are missing; a time series over
// the last leading axis, other leading axes fixed at 0. Returns the .xmf's path, or "" for a
// statistics file or one without such a field.
std::string write_file_xdmf(const std::string& h5_path);

}  // namespace eddyop::postprocess
