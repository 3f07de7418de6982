// Subgrid-scale eddy viscosity: pure functions of the velocity-gradient tensor g_ij = ∂u_i/∂x_j
// (unit-tested on analytic gradients), and their evaluation on the grid at cell centres.
//
//   S_ij = ½(g_ij + g_ji), |S| = √(2 S_ij S_ij), Δ = (Δx Δy Δz)^(1/3)
//   Smagorinsky: ν_t = (C_s D Δ)² |S|, D = 1 - exp(-y⁺/A⁺) (van Driest)
//   WALE:        ν_t = (C_w Δ)² (S^d:S^d)^{3/2} / ((S:S)^{5/2} + (S^d:S^d)^{5/4}),
//                S^d_ij = ½(g_ik g_kj + g_jk g_ki) - ⅓ δ_ij g_kl g_lk
//   dynamic:     ν_t = C(y) Δ² |S|, C = ⟨L_ij M_ij⟩ / ⟨M_ij M_ij⟩ over each x–z plane, clipped
//                to [0, c_max]; L_ij = (u_i u_j)^ - û_i û_j, M_ij = 2Δ² ((|S| S_ij)^ - α² |Ŝ|
//                Ŝ_ij), test filter ^ = (¼, ½, ¼) in x and z, α = 2 (Germano 1991, Lilly 1992).
#pragma once

#include <vector>

#include "solvers/channel/field.hpp"
#include "solvers/channel/params.hpp"

namespace eddyop::solvers::channel {

using Gradient = double[3][3];  // g[i][j] = ∂u_i/∂x_j

double strain_magnitude(const Gradient& g);  // |S| = √(2 S:S)
double smagorinsky_nu_t(const Gradient& g, double delta, double cs, double damping);
double wale_nu_t(const Gradient& g, double delta, double cw);
double van_driest(double y_plus, double a_plus);  // 1 - exp(-y⁺/A⁺)

// Least squares of the Germano identity over `n` points: Σ L_ij M_ij / Σ M_ij M_ij, with L and M
// symmetric, stored as (xx, yy, zz, xy, xz, yz) per point (off-diagonals count twice).
// Returns 0 when Σ M:M is 0.
double germano_lilly_coefficient(const double* l /* (n, 6) */, const double* m /* (n, 6) */,
                                 long n);

// The test filter's factor α: filter width over grid width.
inline constexpr double kTestFilterRatio = 2.0;

// Workspace of the dynamic procedure, sized once.
struct SgsWork {
  std::vector<double> plane;        // per-plane centre quantities of the dynamic model
  std::vector<double> lm, mm;       // (ncy) plane sums
  std::vector<double> coefficient;  // (ncy) the dynamic C(y) of the last evaluation
  std::vector<double> edges;        // sgs_force's edge stresses: rows and a plane of them
  // Recompute C(y) on the next call (false: reuse the last C(y)). The solver evaluates the
  // whole model once per step, so it always recomputes.
  bool update_coefficient = true;
};

// ν_t at the cell centres of the local slab (interior only; the caller updates its halo).
// u, v, w need their halos. Collective over g.comm for the dynamic model (plane averages).
void sgs_viscosity(Field& nu_t, const Field& u, const Field& v, const Field& w, const Grid& g,
                   const ChannelParams& p, SgsWork& work);

// The SGS force ∂_j (2 ν_t S_ij) into fu, fv, fw (interior; v's top wall row 0): 2 ν_t S_ii at
// centres, ν_t averaged to the cell edges for the shear components. nu_t needs its halo (odd at
// the walls, so that it vanishes there).
void sgs_force(Field& fu, Field& fv, Field& fw, const Field& nu_t, const Field& u, const Field& v,
               const Field& w, const Grid& g, SgsWork& work);

// The centre gradient of the staggered velocity at cell (i, j, k) (halos needed).
void centre_gradient(Gradient& g_out, const Field& u, const Field& v, const Field& w, const Grid& g,
                     int i, int j, int k);

}  // namespace eddyop::solvers::channel
