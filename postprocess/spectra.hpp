// Energy spectra of periodic fields, computed with FFTW.
//
// Normalisation (Parseval-consistent, the one MKM use for their chan180 spectra): with the
// fluctuation u' = u - (plane or box mean) and the discrete Fourier coefficients
// û_m = (1/n) Σ_i u'_i exp(-2πi m i / n), the one-sided spectrum is
//   E(k_0) = |û_0|²,  E(k_m) = 2 |û_m|² for 0 < m < n/2,  E(k_{n/2}) = |û_{n/2}|² (n even),
// with k_m = 2π m / L, so that Σ_m E(k_m) = mean of u'² over the plane (or box). E is an energy per
// wavenumber bin; E / dk is the spectral density whose integral is the variance.
#pragma once

#include <cstddef>
#include <vector>

#include "postprocess/grid.hpp"

namespace eddyop::postprocess {

// One-dimensional spectra along one periodic axis at one wall-normal plane.
struct LineSpectrum {
  int axis = 0;                // 0: along x (k_x), 2: along z (k_z)
  std::size_t ncomp = 0;       // C
  std::vector<std::size_t> j;  // the wall-normal plane index, and its mirror when folded
  double wall_distance = 0.0;  // y - y_wall of plane j[0]
  double dk = 0.0;             // 2π / L
  std::vector<double> k;       // (nk) k_m = m dk, m = 0 .. n/2
  std::vector<double> energy;  // (C, nk) one-sided; Σ_k energy(c, k) = plane-mean of u_c'²
};

// 1-D spectra along periodic `axis` (0 or 2) of `field` (nt, C, nx, ny, nz) at the wall-normal
// planes `j_indices`, averaged over the other periodic axis and over the nt samples. With
// `mirror` (a channel: planes j and ny-1-j are the same distance from the two walls), the
// spectrum of plane ny-1-j is averaged in; the grid's y must then be symmetric. Each sample's
// own plane mean is removed before transforming. `y_wall` is the bottom wall (for wall_distance).
std::vector<LineSpectrum> line_spectra(const RectGrid& grid, ArrayRef field, std::size_t nt,
                                       std::size_t ncomp, int axis,
                                       const std::vector<std::size_t>& j_indices, bool mirror,
                                       double y_wall);

// Indices of the nodes nearest to the wall distances `distances` (from the bottom wall `y_wall`).
std::vector<std::size_t> planes_at_wall_distance(const RectGrid& grid,
                                                 const std::vector<double>& distances,
                                                 double y_wall);

// Shell-summed spectrum of a periodic box: E(k_b) = Σ over modes with round(|k| / dk) = b and
// over components of the one-sided |û|² weights, so Σ_b E(k_b) = Σ_c mean(u_c'²) (twice the
// kinetic energy for a velocity field). dk = min over the axes with n > 1 of 2π / L.
struct ShellSpectrum {
  double dk = 0.0;
  std::vector<double> k;           // (nb) k_b = b dk
  std::vector<double> energy;      // (nb) averaged over samples
  std::vector<std::size_t> modes;  // (nb) number of Fourier modes (of the full, two-sided set)
};

// `field` (nt, C, nx, ny, nz) on a box whose axes are all periodic (nz = 1 for 2-D).
ShellSpectrum shell_spectrum(const RectGrid& grid, ArrayRef field, std::size_t nt,
                             std::size_t ncomp);

// The kinetic-energy spectrum of the 2-D velocity whose vorticity is `omega` (nt, 1, nx, ny, 1)
// on a 2-D periodic box, from the vorticity alone: with the stream function ψ̂ = ω̂ / |k|² and
// û = i k⊥ ψ̂, |û|² = |ω̂|² / |k|², so each mode of ω is weighted by 1 / |k|² and
// Σ_b E(k_b) = mean(u'² + v'²) (twice the kinetic energy of the fluctuations).
ShellSpectrum shell_energy_from_vorticity(const RectGrid& grid, ArrayRef omega, std::size_t nt);

// The slow, obvious twin of the FFT path: the one-sided spectrum of one real line by a direct
// O(n²) DFT, with the normalisation above (the line mean is not removed).
std::vector<double> line_spectrum_direct(const std::vector<double>& line);

}  // namespace eddyop::postprocess
