// Viscous Burgers' equation on the periodic unit interval, as in the FNO benchmark:
//
//   ∂u/∂t + ∂(u²/2)/∂x = ν ∂²u/∂x²,   u(·, 0) = u0 ~ GRF with covariance scale² (−Δ + τ²)^(−α),
//
// and the data is the map u0 → u(·, T). Fourier pseudo-spectral in x (FFTW, 2/3-rule
// dealiasing of u²), ETDRK4 in time (Cox & Matthews 2002, with the contour-integral
// coefficients of Kassam & Trefethen 2005): the diffusion is integrated exactly, the advection
// at fourth order. See docs/solvers/burgers.md.
//
// Fields are (n) with x_i = i/n.
#pragma once

#include <cstdint>
#include <vector>

#include "solvers/pde/grf.hpp"

namespace eddyop::solvers {

struct BurgersParams {
  int n = 8192;          // solver grid; even, ≥ 8
  int n_store = 1024;    // stored grid; n % n_store == 0 (pointwise subsampling)
  double nu = 0.1;       // viscosity, > 0
  double dt = 1e-3;      // time step; t_final is a multiple of it
  double t_final = 1.0;  // T
  // Explicit-advection limit dt U k_eff ≤ cfl_max, k_eff = min(2π n/3, U/ν): modes above U/ν are
  // dominated by diffusion, which ETDRK4 integrates exactly. ETDRK4's stability reaches 2.8 on
  // the imaginary axis; 1 leaves a margin.
  double cfl_max = 1.0;
  GrfParams ic{2.0, 5.0, 25.0};  // the FNO benchmark: N(0, 625 (−Δ + 25 I)^(−2))
};

// Throws eddyop::Error ("burgers: ...") naming the parameter, its value and the limit. The
// velocity scale used for dt is U = 5 standard deviations of the initial random field.
void validate(const BurgersParams& p);
// Largest stable dt for velocity scale U (see cfl_max).
double burgers_max_dt(const BurgersParams& p, double velocity_scale);
// Standard deviation of the initial random field on the solver grid.
double burgers_initial_std(const BurgersParams& p);

// u(·, t_final) from u0: both (n). By the maximum principle |u| ≤ max|u0| for all t, so dt is
// checked against max|u0| before stepping.
std::vector<double> burgers_solve(const BurgersParams& p, const std::vector<double>& u0);

struct BurgersSample {
  std::vector<float> u0;  // (n_store)
  std::vector<float> uT;  // (n_store)
};
BurgersSample burgers_sample(const BurgersParams& p, std::uint64_t seed, std::uint64_t sample);

}  // namespace eddyop::solvers
