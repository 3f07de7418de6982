// Crank–Nicolson in y: solves (1 - a ∂²/∂y²) δ = r for every (i, k) line of a field at once
// (Thomas, vectorised over i), with δ = 0 on the walls: odd ghosts for the cell-centred u and w,
// the fixed wall faces for v.
#pragma once

#include <vector>

#include "solvers/channel/field.hpp"

namespace eddyop::solvers::channel {

enum class YLocation { centre, face };

// Overwrites the interior of `r` with δ. `work` is resized once to ncy.
void solve_implicit_y(Field& r, const Grid& g, double a, YLocation where,
                      std::vector<double>& work);

}  // namespace eddyop::solvers::channel
