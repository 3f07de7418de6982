// 2D incompressible Navier–Stokes in vorticity form on the unit torus, as in the FNO benchmark:
//
//   ∂ω/∂t + u·∇ω = ν Δω + f,   u = (∂ψ/∂y, −∂ψ/∂x),   −Δψ = ω,
//   f = 0.1 (sin 2π(x+y) + cos 2π(x+y)),   ω(·,0) ~ GRF with covariance scale² (−Δ + τ²)^(−α).
//
// Pseudo-spectral with FFTW (r2c/c2r, double), 2/3-rule dealiasing of the advection term,
// Crank–Nicolson on diffusion and Adams–Bashforth 2 on advection and forcing (the first step
// Heun, so that the scheme is second order from the start). See docs/solvers/ns2d.md.
//
// Fields are (n, n) row-major with x fastest: index [j][i] = ω(x_i, y_j), x_i = i/n, y_j = j/n.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "solvers/pde/grf.hpp"

namespace eddyop::solvers {

struct Ns2dParams {
  int n = 64;                    // solver grid n × n; even, ≥ 8
  int n_store = 64;              // stored grid; n % n_store == 0 (pointwise subsampling)
  double nu = 1e-3;              // kinematic viscosity, > 0
  double dt = 1e-3;              // time step
  double t_final = 50.0;         // last recorded time; a multiple of record_interval
  double record_interval = 1.0;  // time between records; a multiple of dt
  bool forcing = true;           // the FNO forcing f; false: decaying flow
  // Assumed bound on |u| and |v|: the a-priori CFL check dt (|u|+|v|) n ≤ cfl_max uses it, and
  // the run checks the actual CFL at every record.
  double velocity_bound = 1.0;
  double cfl_max = 0.5;
  // FNO's random_fields.py: α = 2.5, τ = 7, σ = 7^1.5 on the real part of complex noise of
  // amplitude √2 σ, which is a mode variance 2 σ² (4π²|k|² + 49)^(−2.5): scale = √2 · 7^1.5.
  GrfParams ic{2.5, 7.0, 26.191601707417593};
};

// Throws eddyop::Error ("ns2d: ...") naming the parameter, its value and the limit.
void validate(const Ns2dParams& p);
// The a-priori stability limit on dt: cfl_max / (2 velocity_bound n).
double ns2d_max_dt(const Ns2dParams& p);
// Records per trajectory: t = 0, Δ, 2Δ, ..., t_final.
int ns2d_record_count(const Ns2dParams& p);

class Ns2dSolver {
 public:
  explicit Ns2dSolver(const Ns2dParams& p);  // validates p first
  ~Ns2dSolver();
  Ns2dSolver(const Ns2dSolver&) = delete;
  Ns2dSolver& operator=(const Ns2dSolver&) = delete;

  // omega: (n, n). Sets t = 0 and clears the Adams–Bashforth history; the mean and the
  // Nyquist modes (which no velocity field carries) are dropped.
  void set_vorticity(const std::vector<double>& omega);
  void step();
  void advance(long steps);

  std::vector<double> vorticity() const;                                // (n, n)
  void velocity(std::vector<double>& u, std::vector<double>& v) const;  // each (n, n)
  double cfl() const;  // dt (max|u| + max|v|) n of the current state
  double time() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The random initial vorticity of sample `sample`: (n, n). Depends only on (ic, n, seed, sample).
std::vector<double> ns2d_initial_vorticity(const Ns2dParams& p, std::uint64_t seed,
                                           std::uint64_t sample);

// One trajectory: ω at the records, subsampled by stride n / n_store:
// (ns2d_record_count(p), n_store, n_store), x fastest.
std::vector<float> ns2d_sample(const Ns2dParams& p, std::uint64_t seed, std::uint64_t sample);

}  // namespace eddyop::solvers
