// ParaView files written with VTK's own XML writers.
//
//   .vtr  vtkRectilinearGrid  the channel's stretched grid (any RectGrid)
//   .vti  vtkImageData        periodic boxes (uniform on every axis)
//   .vtu  vtkUnstructuredGrid point clouds (one vertex cell per point)
//   .vtp  vtkPolyData         point clouds (one vertex per point)
//   .pvd                      a time series of any of these
//
// Velocity is one 3-component array "velocity" set as the active vectors; pressure ("pressure",
// the active scalars), the derived "vorticity" (vector) and "Q", and any named scalars are point
// arrays; fields are stored as Float32, coordinates as Float64, and each file carries its time
// in a field-data array "TimeValue" (which ParaView reads as the time of the data set). Files are
// zlib-compressed, written to a temporary name and renamed when complete.
#pragma once

#include <string>
#include <vector>

#include "postprocess/grid.hpp"

namespace eddyop::postprocess {

struct NamedArray {
  std::string name;
  ArrayRef values;
};

// Fields on a RectGrid of (nx, ny, nz) nodes, LayoutRight.
struct GridFields {
  double time = 0.0;
  ArrayRef velocity;  // (3, nx, ny, nz), or (2, nx, ny) when nz = 1 (w = 0); empty: none
  ArrayRef pressure;  // (nx, ny, nz); empty: none
  std::vector<NamedArray> scalars;  // (nx, ny, nz) each
  bool vorticity = false;           // derive "vorticity" from the velocity (derived_fields.hpp)
  bool q_criterion = false;         // derive "Q" from the velocity
};

void write_vtr(const std::string& path, const RectGrid& grid, const GridFields& fields);
// The grid must be uniform on every axis.
void write_vti(const std::string& path, const RectGrid& grid, const GridFields& fields);

// Fields on N scattered points.
struct PointFields {
  double time = 0.0;
  ArrayRef velocity;                // (N, 3); empty: none
  ArrayRef pressure;                // (N); empty: none
  std::vector<NamedArray> scalars;  // (N) each
};

// `points` (N, 3).
void write_vtu(const std::string& path, ArrayRef points, const PointFields& fields);
void write_vtp(const std::string& path, ArrayRef points, const PointFields& fields);

struct PvdEntry {
  double time = 0.0;
  std::string file;  // relative to the .pvd's directory
  int part = 0;
};

void write_pvd(const std::string& path, const std::vector<PvdEntry>& entries);

// A time series: directory/stem_00000.vtr (or .vti), ... and directory/stem.pvd referencing them.
// Returns the path of the .pvd.
std::string write_grid_series(const std::string& directory, const std::string& stem,
                              const RectGrid& grid, const std::vector<GridFields>& frames,
                              bool image_data = false);

}  // namespace eddyop::postprocess
