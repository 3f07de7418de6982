// The channel flow solver: state, one RK3 step, and the diagnostics the driver and the tests
// need. The step reads as the algorithm (CaNS: rk → fillps → solver → correc):
//
//   sgs         ν_t and F = ∇·(2 ν_t S) of the step's start, held     (sgs.hpp)
//   for each of the three RK3 substages (γ, ζ, α = γ + ζ):
//     momentum  H = -∇·(uu) + ν(∂xx + ∂zz)u                         (momentum.hpp)
//     predict   (1 - αΔt ν/2 ∂yy) δ = Δt(γH + ζH_old) + αΔt(f + F - ∇p) + αΔt ν ∂yy u
//     fillps    r = ∇·u* / (αΔt)
//     solve     ∇²φ = r                                             (poisson.hpp)
//     correct   u = u* - αΔt ∇φ,  p = p + φ - αΔt ν/2 ∂yy φ
//     forcing   flow rate: shift u to the target bulk velocity
#pragma once

#include <memory>
#include <vector>

#include "solvers/channel/field.hpp"
#include "solvers/channel/params.hpp"
#include "solvers/channel/timers.hpp"

namespace eddyop::solvers::channel {

struct StepInfo {
  double dt = 0, cfl = 0;
};

class ChannelSolver {
 public:
  // Validates p for the size of `comm`, then builds the grid and plans. Collective.
  ChannelSolver(const ChannelParams& p, MPI_Comm comm);
  ~ChannelSolver();
  ChannelSolver(const ChannelSolver&) = delete;
  ChannelSolver& operator=(const ChannelSolver&) = delete;

  const Grid& grid() const;
  const ChannelParams& params() const;

  // Laminar Poiseuille profile of the given bulk velocity plus the trip of `seed`, projected.
  // The trip depends on the global cell index only, so any rank count makes the same field.
  void set_laminar_with_trip(double bulk_velocity, std::uint64_t seed, double amplitude);
  // Sets the velocity (u, v, w) and pressure interiors (nzl, ncy, nx) and the time.
  void set_state(const std::vector<double>& u, const std::vector<double>& v,
                 const std::vector<double>& w, const std::vector<double>& p, double time);
  void get_state(std::vector<double>& u, std::vector<double>& v, std::vector<double>& w,
                 std::vector<double>& p) const;  // each (nzl, ncy, nx)
  // Adds the seeded noise of the trip (amplitude in velocity units, zero at the walls) and
  // projects: how trajectories branch from one restart state.
  void perturb(std::uint64_t seed, double amplitude);
  void project();  // makes the current velocity divergence free (initial fields)

  // One RK3 step of `dt`, or of the adaptive step when dt <= 0 (clipped to `dt_max` if > 0).
  StepInfo step(double dt = 0.0, double dt_max = 0.0);

  // Adaptive step for the current state (CFL target and the explicit viscous limit).
  double stable_dt() const;
  double cfl(double dt) const;    // Δt max(|u|/Δx + |v|/Δy + |w|/Δz)
  double max_divergence() const;  // max |∇·u| over the cells (global)
  double max_velocity() const;    // max over components of |u_i|; NaN if any is NaN
  double bulk_velocity() const;   // volume average of u
  double re_tau() const;          // from the mean wall shear, both walls
  double forcing() const;         // the mean pressure gradient -dP/dx in effect
  double time() const;
  long steps() const;
  double last_dt() const;
  // The dynamic model's plane-averaged C(y) (empty for other models).
  const std::vector<double>& dynamic_coefficient() const;
  // Wall seconds of each phase of step(), summed over the steps so far (this rank).
  const PhaseTimes& phase_times() const;

  // Fields with their halos, for statistics and output.
  const Field& u() const;
  const Field& v() const;
  const Field& w() const;
  const Field& p() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The discrete laminar solution: ν ∂yy u = -f with no slip, (ncy) at the cell centres — the
// steady state of the discrete equations.
std::vector<double> discrete_poiseuille(const Grid& g, double nu, double f);

}  // namespace eddyop::solvers::channel
