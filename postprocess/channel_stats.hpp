// Plane- and time-averaged statistics of a turbulent channel, folded onto one half and put in
// wall units.
//
// The walls are at y_bottom and y_top (by default the first and last y node), h = (y_top -
// y_bottom) / 2. Means are taken over x, z and the samples; fluctuations are about that mean.
// The upper half is mirrored onto the lower one (y → 2h - y) with the sign of V, dU/dy and
// <u'v'> flipped, so the y grid must be symmetric about the centreline. Where the walls are not
// nodes (a cell-centred grid), the no-slip value 0 at the wall is added as a node.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "postprocess/grid.hpp"

namespace eddyop::postprocess {

struct ChannelStatsOptions {
  double nu = 0.0;                                             // kinematic viscosity
  double y_bottom = std::numeric_limits<double>::quiet_NaN();  // NaN: the first y node
  double y_top = std::numeric_limits<double>::quiet_NaN();     // NaN: the last y node
};

struct ChannelStats {
  // Friction and bulk quantities.
  double h = 0.0, nu = 0.0;
  double tau_wall = 0.0;  // ν dU/dy at the wall, averaged over both walls
  double tau_wall_bottom = 0.0, tau_wall_top = 0.0;
  double u_tau = 0.0, re_tau = 0.0;     // sqrt(τ_w), u_τ h / ν
  double u_bulk = 0.0, u_centre = 0.0;  // (1/2h) ∫ U dy over the channel; U at y = h
  double u_bulk_plus = 0.0, u_centre_plus = 0.0, cf = 0.0;  // C_f = τ_w / (U_b² / 2)
  std::size_t samples = 0;

  // Profiles folded onto the lower half, from the wall (y = 0) to the centre: (nh) each.
  std::vector<double> y;  // wall distance
  std::vector<double> u_mean, v_mean, w_mean, dudy;
  std::vector<double> u_rms, v_rms, w_rms, uv;  // <u'v'>
  std::vector<double> total_stress;  // ν dU/dy - <u'v'>, = τ_w (1 - y/h) at equilibrium
  // The same in wall units (velocities / u_τ, stresses / u_τ², y+ = y u_τ / ν).
  std::vector<double> y_plus, u_plus, u_rms_plus, v_rms_plus, w_rms_plus, uv_plus,
      total_stress_plus;

  // Unfolded profiles over the whole channel, on the grid's y nodes (ny).
  std::vector<double> y_full, u_full, uu_full, vv_full, ww_full, uv_full;
};

// `velocity` (nt, 3, nx, ny, nz) on `grid` (x and z periodic, y wall-normal).
ChannelStats channel_statistics(const RectGrid& grid, ArrayRef velocity, std::size_t nt,
                                const ChannelStatsOptions& options);

// Profiles already averaged over x, z and the samples, on the y nodes (ny each), such as the
// running statistics a solver keeps: the means and the covariances <u'u'>, <v'v'>, <w'w'>, <u'v'>.
struct ChannelMoments {
  std::vector<double> y;
  std::vector<double> u, v, w;
  std::vector<double> uu, vv, ww, uv;
};

// Folds such profiles and puts them in wall units, exactly as channel_statistics does with the
// moments it accumulates (same walls, checks, derivatives and integrals).
ChannelStats channel_statistics_from_moments(const ChannelMoments& moments, std::size_t samples,
                                             const ChannelStatsOptions& options);

// The same, fed a slab of samples at a time (a long trajectory read piece by piece): the
// moments are accumulated about the first slab's plane means, so that the result equals
// channel_statistics of all samples at once to round-off.
class ChannelStatsAccumulator {
 public:
  // Validates the grid and the options.
  ChannelStatsAccumulator(RectGrid grid, ChannelStatsOptions options);
  // `velocity` (nt, 3, nx, ny, nz).
  void add(ArrayRef velocity, std::size_t nt);
  std::size_t samples() const { return samples_; }
  ChannelStats result() const;

 private:
  RectGrid grid_;
  ChannelStatsOptions options_;
  std::size_t samples_ = 0;
  std::vector<double> shift_;  // (3, ny) the first slab's plane means
  std::vector<double> sum_;    // (3, ny) Σ (u_c - shift)
  std::vector<double> sum2_;   // (4, ny) Σ products of shifted u u, v v, w w, u v
};

// Second-order derivative of f (n) on the nodes y (n): central three-point differences inside,
// one-sided three-point at both ends; exact for quadratics on any grid.
std::vector<double> derivative_nonuniform(const std::vector<double>& y,
                                          const std::vector<double>& f);

// ∫ f dy over the nodes y, exact for quadratics on any grid (the quadratic through three
// neighbouring nodes integrated on each interval, the two stencils averaged inside).
double integrate_nonuniform(const std::vector<double>& y, const std::vector<double>& f);

// f at `x` by linear interpolation on the increasing nodes `xs` (clamped at both ends).
double interpolate_linear(const std::vector<double>& xs, const std::vector<double>& f, double x);

}  // namespace eddyop::postprocess
