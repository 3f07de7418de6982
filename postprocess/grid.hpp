// Rectilinear grids and read-only array views shared by the post-processing routines.
//
// Fields are plain contiguous arrays in LayoutRight (C order) with the shape documented at each
// function, e.g. a channel velocity (nt, 3, nx, ny, nz): x streamwise, y wall-normal, z spanwise,
// z fastest in memory, so that point (i, j, k) of component c at sample t sits at
// (((t * 3 + c) * nx + i) * ny + j) * nz + k.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

namespace eddyop::postprocess {

// A non-owning view of a contiguous double array; converts implicitly from std::vector<double>.
struct ArrayRef {
  const double* data = nullptr;
  std::size_t size = 0;

  ArrayRef() = default;
  ArrayRef(const std::vector<double>& v) : data(v.data()), size(v.size()) {}  // NOLINT
  ArrayRef(const double* d, std::size_t n) : data(d), size(n) {}

  bool empty() const { return size == 0; }
  double operator[](std::size_t i) const { return data[i]; }
};

// The nodes of a rectilinear grid, (nx, ny, nz). A periodic axis holds n uniform nodes
// x0 + i L / n, i = 0 .. n-1 (the image of x0 at x0 + L is not stored), and `period` is L.
// A two-dimensional grid has nz = 1 (a single z node, treated as periodic with no variation).
struct RectGrid {
  std::array<std::vector<double>, 3> coords;  // node coordinates along x, y, z
  std::array<bool, 3> periodic{{false, false, false}};
  std::array<double, 3> period{{0.0, 0.0, 0.0}};  // length of each periodic axis

  std::size_t n(int axis) const { return coords[static_cast<std::size_t>(axis)].size(); }
  std::size_t points() const { return n(0) * n(1) * n(2); }
  std::array<std::size_t, 3> dims() const { return {n(0), n(1), n(2)}; }
};

// The channel grid: x and z periodic and uniform over lx and lz, y the given (stretched) nodes.
RectGrid channel_grid(std::size_t nx, std::size_t nz, double lx, double lz, std::vector<double> y);

// A periodic box of uniform nodes; n[2] = 1 (and any length) for a two-dimensional box.
RectGrid periodic_box(std::array<std::size_t, 3> n, std::array<double, 3> length);

// Throws eddyop::Error (prefixed by `component`) unless every axis has at least one node,
// increasing coordinates, and a positive period where periodic.
void validate_grid(const RectGrid& grid, const char* component);

// Checks that `array` holds `expected` values; `what` names the array and its shape in the error.
void check_size(ArrayRef array, std::size_t expected, const char* component, const char* what);

// Index of the node of `coords` nearest to `value`.
std::size_t nearest_index(const std::vector<double>& coords, double value);

}  // namespace eddyop::postprocess
