// Fields derived from the velocity for visualisation: vorticity and the Q-criterion.
//
// Velocity gradients by second-order differences: central on periodic (uniform) axes, and on a
// non-periodic axis the three-point formulas of a non-uniform grid (central inside, one-sided at
// the ends), which are exact for quadratics and so respect the stretched wall-normal grid.
#pragma once

#include <vector>

#include "postprocess/grid.hpp"

namespace eddyop::postprocess {

// d f / d x_axis of f (nx, ny, nz) on `grid`, into `out` (nx, ny, nz).
void derivative(std::vector<double>& out, ArrayRef f, const RectGrid& grid, int axis);

// vorticity (3, nx, ny, nz) = curl u and q (nx, ny, nz) = (|Ω|² - |S|²) / 2 of the velocity
// (3, nx, ny, nz). Either output may be null.
void vorticity_and_q(std::vector<double>* vorticity, std::vector<double>* q, ArrayRef velocity,
                     const RectGrid& grid);

}  // namespace eddyop::postprocess
