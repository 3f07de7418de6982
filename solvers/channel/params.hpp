// The channel case: every setting of a run, its case-file section `channel:`, and the checks
// that run before anything is allocated (CaNS's sanity.f90).
//
// Units: the half-height h = 1 and, with the constant pressure gradient, the friction velocity
// u_τ = 1, so that ν = 1 / Re_τ and the driving gradient −dP/dx = u_τ² / h = 1.
#pragma once

#include <cstdint>
#include <string>

#include "core/config.hpp"

namespace eddyop::solvers::channel {

enum class Forcing { pressure_gradient, flow_rate, none };
enum class SgsModel { none, smagorinsky, dynamic_smagorinsky, wale };

const char* forcing_name(Forcing f);
const char* sgs_name(SgsModel m);

struct ChannelParams {
  // Grid: nx × nz cells in the periodic directions, ny wall-normal points (ny − 1 cells).
  int nx = 64, ny = 65, nz = 64;
  double lx = 12.566370614359172, ly = 2.0, lz = 4.1887902047863905;
  double stretching = 2.0;  // tanh clustering towards the walls; 0 is uniform

  double re_tau = 180.0;  // nominal: sets ν = 1 / Re_τ
  Forcing forcing = Forcing::pressure_gradient;
  double bulk_velocity = 0.0;  // flow-rate target and laminar start; 0: Dean's correlation

  SgsModel sgs = SgsModel::none;
  double cs = 0.1;             // Smagorinsky constant
  double van_driest_a = 26.0;  // damping 1 − exp(−y⁺/A⁺)
  double cw = 0.5;             // WALE constant
  double dynamic_c_max = 0.1;  // clip of the plane-averaged dynamic coefficient C = C_s²

  double cfl = 0.5;           // target convective CFL of the adaptive step
  double dt = 0.0;            // fixed step; 0: adaptive
  bool implicit_y = true;     // Crank–Nicolson wall-normal diffusion
  double perturbation = 0.3;  // amplitude of the trip, relative to the bulk velocity

  double spinup_time = 50.0;     // time before the first sample of a trajectory (h/u_τ)
  double sample_interval = 0.5;  // time between samples
  int samples = 100;             // samples per trajectory
  int trajectories = 1;          // trajectories, seeds seed, seed + 1, ...
  long max_steps = 0;            // cap on steps per trajectory; 0: none
  int out_nx = 32, out_ny = 33, out_nz = 16;  // coarse training grid (points as nx, ny, nz)
  int snapshot_interval = 0;       // full-resolution snapshot every this many samples; 0: none
  double stats_start = 20.0;       // running statistics from this time of each trajectory
  int stats_interval = 10;         // steps between two statistics samples
  int checkpoint_interval = 1000;  // steps between checkpoints; 0: only at the end
  std::string restart;             // checkpoint to start from; empty: laminar + trip
  // A coarse dataset (ours: u, v, w, p (trajectory, time, x, y, z)) to start from instead:
  // trajectory r starts from its trajectory initial_trajectory + r at time index initial_step,
  // mapped onto this grid and projected, without a trip (initial.hpp). Empty: not used.
  std::string initial_dataset;
  int initial_trajectory = 0;
  int initial_step = 0;

  double max_cfl = 2.0;                  // blow-up: stop when the CFL exceeds this
  double max_velocity = 100.0;           // blow-up: stop when |u| exceeds this (u_τ units)
  std::string fftw_planner = "measure";  // estimate | measure | patient
  std::uint64_t seed = 0;

  double nu() const { return 1.0 / re_tau; }
  int ncy() const { return ny - 1; }
};

// The `channel:` section of the case file, one documented key per setting above.
config::Section channel_section();

// Reads `channel.*` (and `case.seed`) from a validated case.
ChannelParams params_from_case(const config::Case& c);

// Throws eddyop::Error ("channel: ...") naming the parameter, its value and the limit; `ranks`
// is the number of MPI ranks the grid will be split over (z slabs, x-wavenumber slabs).
void validate(const ChannelParams& p, int ranks = 1);

// Dean's correlation Re_τ = 0.09 Re_b^0.88 (Re_b = 2 h U_b / ν): U_b in units of u_τ.
double dean_bulk_velocity(double re_tau);

}  // namespace eddyop::solvers::channel
