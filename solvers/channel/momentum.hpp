// The explicit part of the momentum equations on the staggered grid (CaNS's mom.f90):
// advection in divergence form with two-point averages, which conserves kinetic energy on a
// uniform grid, and the viscous term in x and z. The wall-normal viscous term ν ∂²/∂y² goes to
// `lyy` (Crank–Nicolson) or, with `lyy` null, into the explicit part.
#pragma once

#include "solvers/channel/field.hpp"

namespace eddyop::solvers::channel {

// Overwrites the interiors of hu, hv, hw (the v row on the top wall stays 0) on the planes
// [k_begin, k_end) (all when k_end < 0). u, v, w need their halos on planes k_begin - 1 to k_end.
void momentum_rhs(Field& hu, Field& hv, Field& hw, Field* lyy_u, Field* lyy_v, Field* lyy_w,
                  const Field& u, const Field& v, const Field& w, const Grid& g, double nu,
                  int k_begin = 0, int k_end = -1);

// ∂²/∂y² of a cell-centred (u, w) or y-face (v) quantity, with the wall ghosts in place.
inline double lyy_centre(const double* q, long sy, const Grid& g, int j) {
  return ((q[sy] - q[0]) / g.Dyc(j) - (q[0] - q[-sy]) / g.Dyc(j - 1)) / g.Dyf(j);
}
inline double lyy_face(const double* q, long sy, const Grid& g, int j) {
  return ((q[sy] - q[0]) / g.Dyf(j + 1) - (q[0] - q[-sy]) / g.Dyf(j)) / g.Dyc(j);
}

}  // namespace eddyop::solvers::channel
