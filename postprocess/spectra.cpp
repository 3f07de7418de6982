#include "postprocess/spectra.hpp"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <memory>

#include "core/error.hpp"

namespace eddyop::postprocess {

namespace {

constexpr double kTwoPi = 6.283185307179586476925286766559;

// FFTW-owned buffers and a plan, released together.
struct FftwFree {
  void operator()(void* p) const { fftw_free(p); }
};
struct PlanFree {
  void operator()(fftw_plan_s* p) const { fftw_destroy_plan(p); }
};
using RealBuffer = std::unique_ptr<double, FftwFree>;
using ComplexBuffer = std::unique_ptr<fftw_complex, FftwFree>;
using Plan = std::unique_ptr<fftw_plan_s, PlanFree>;

RealBuffer real_buffer(std::size_t n) {
  return RealBuffer(
      static_cast<double*>(fftw_malloc(sizeof(double) * std::max<std::size_t>(n, 1))));
}
ComplexBuffer complex_buffer(std::size_t n) {
  return ComplexBuffer(
      static_cast<fftw_complex*>(fftw_malloc(sizeof(fftw_complex) * std::max<std::size_t>(n, 1))));
}

// Weight of r2c mode m of an axis of n points in the one-sided sum: 2 for the modes whose
// conjugate is not stored, 1 for the mean and the Nyquist mode.
double one_sided_weight(std::size_t m, std::size_t n) {
  if (m == 0) return 1.0;
  if (n % 2 == 0 && m == n / 2) return 1.0;
  return 2.0;
}

void check_field(const RectGrid& grid, ArrayRef field, std::size_t nt, std::size_t ncomp) {
  validate_grid(grid, "spectra");
  EDDYOP_CHECK(nt >= 1, "spectra", "at least one sample is needed (nt = " << nt << ")");
  EDDYOP_CHECK(ncomp >= 1, "spectra", "at least one component is needed");
  check_size(field, nt * ncomp * grid.points(), "spectra", "the field (nt, C, nx, ny, nz)");
}

}  // namespace

std::vector<std::size_t> planes_at_wall_distance(const RectGrid& grid,
                                                 const std::vector<double>& distances,
                                                 double y_wall) {
  std::vector<std::size_t> j;
  for (double d : distances) j.push_back(nearest_index(grid.coords[1], y_wall + d));
  return j;
}

std::vector<LineSpectrum> line_spectra(const RectGrid& grid, ArrayRef field, std::size_t nt,
                                       std::size_t ncomp, int axis,
                                       const std::vector<std::size_t>& j_indices, bool mirror,
                                       double y_wall) {
  check_field(grid, field, nt, ncomp);
  EDDYOP_CHECK_HINT(axis == 0 || axis == 2, "spectra",
                    "line spectra are taken along x (axis 0) or z (axis 2), not axis " << axis,
                    "y is the wall-normal, non-periodic axis");
  EDDYOP_CHECK(grid.periodic[static_cast<std::size_t>(axis)], "spectra",
               "axis " << axis << " of the grid is not periodic");
  const std::size_t nx = grid.n(0), ny = grid.n(1), nz = grid.n(2);
  const auto& y = grid.coords[1];
  for (std::size_t j : j_indices) {
    EDDYOP_CHECK(j < ny, "spectra", "plane index j = " << j << " is outside 0.." << ny - 1);
    if (mirror) {
      const double asym = std::abs((y[j] - y.front()) - (y.back() - y[ny - 1 - j]));
      EDDYOP_CHECK_HINT(asym <= 1e-9 * (y.back() - y.front()), "spectra",
                        "the y grid is not symmetric: plane " << j << " and its mirror "
                                                              << ny - 1 - j << " differ by " << asym
                                                              << " in wall distance",
                        "switch off mirroring for a grid that is not symmetric");
    }
  }

  const std::size_t n = axis == 0 ? nx : nz;      // points along the line
  const std::size_t other = axis == 0 ? nz : nx;  // lines per plane, averaged over
  const std::size_t nk = n / 2 + 1;
  const double length = grid.period[static_cast<std::size_t>(axis)];

  RealBuffer in = real_buffer(n);
  ComplexBuffer out = complex_buffer(nk);
  Plan plan(fftw_plan_dft_r2c_1d(static_cast<int>(n), in.get(), out.get(), FFTW_ESTIMATE));
  EDDYOP_CHECK(plan != nullptr, "spectra", "FFTW could not plan a transform of " << n << " points");

  auto at = [&](std::size_t t, std::size_t c, std::size_t i, std::size_t j, std::size_t k) {
    return field[(((t * ncomp + c) * nx + i) * ny + j) * nz + k];
  };

  std::vector<LineSpectrum> result;
  for (std::size_t j0 : j_indices) {
    LineSpectrum s;
    s.axis = axis;
    s.ncomp = ncomp;
    s.j = {j0};
    if (mirror && ny - 1 - j0 != j0) s.j.push_back(ny - 1 - j0);
    s.wall_distance = y[j0] - y_wall;
    s.dk = kTwoPi / length;
    s.k.resize(nk);
    for (std::size_t m = 0; m < nk; ++m) s.k[m] = static_cast<double>(m) * s.dk;
    s.energy.assign(ncomp * nk, 0.0);

    const double inv_n = 1.0 / static_cast<double>(n);
    const double lines = static_cast<double>(nt * other * s.j.size());
    for (std::size_t j : s.j) {
      for (std::size_t t = 0; t < nt; ++t) {
        for (std::size_t c = 0; c < ncomp; ++c) {
          double mean = 0.0;
          for (std::size_t i = 0; i < nx; ++i)
            for (std::size_t k = 0; k < nz; ++k) mean += at(t, c, i, j, k);
          mean /= static_cast<double>(nx * nz);
          for (std::size_t l = 0; l < other; ++l) {
            for (std::size_t p = 0; p < n; ++p)
              in.get()[p] = (axis == 0 ? at(t, c, p, j, l) : at(t, c, l, j, p)) - mean;
            fftw_execute(plan.get());
            for (std::size_t m = 0; m < nk; ++m) {
              const double re = out.get()[m][0] * inv_n, im = out.get()[m][1] * inv_n;
              s.energy[c * nk + m] += one_sided_weight(m, n) * (re * re + im * im) / lines;
            }
          }
        }
      }
    }
    result.push_back(std::move(s));
  }
  return result;
}

namespace {

// The shell spectrum, each mode's |û|² multiplied by |k|^-2 when `inverse_k2`.
ShellSpectrum shell_spectrum_weighted(const RectGrid& grid, ArrayRef field, std::size_t nt,
                                      std::size_t ncomp, bool inverse_k2) {
  check_field(grid, field, nt, ncomp);
  for (int a = 0; a < 3; ++a) {
    EDDYOP_CHECK_HINT(grid.periodic[a] || grid.n(a) == 1, "spectra",
                      "shell spectra need a periodic box, but axis " << a << " is not periodic",
                      "use line spectra along the periodic axes of a channel");
  }
  // The axes with more than one node, in storage order; FFTW transforms only those.
  std::vector<int> axes;
  for (int a = 0; a < 3; ++a)
    if (grid.n(a) > 1) axes.push_back(a);
  EDDYOP_CHECK(!axes.empty(), "spectra", "the box has a single node");

  ShellSpectrum s;
  s.dk = 0.0;
  for (int a : axes) {
    const double dka = kTwoPi / grid.period[static_cast<std::size_t>(a)];
    s.dk = s.dk == 0.0 ? dka : std::min(s.dk, dka);
  }

  std::vector<int> dims;
  for (int a : axes) dims.push_back(static_cast<int>(grid.n(a)));
  const std::size_t npts = grid.points();
  const std::size_t nlast = grid.n(axes.back());
  const std::size_t nhalf = nlast / 2 + 1;
  const std::size_t ncplx = npts / nlast * nhalf;

  RealBuffer in = real_buffer(npts);
  ComplexBuffer out = complex_buffer(ncplx);
  Plan plan(fftw_plan_dft_r2c(static_cast<int>(dims.size()), dims.data(), in.get(), out.get(),
                              FFTW_ESTIMATE));
  EDDYOP_CHECK(plan != nullptr, "spectra", "FFTW could not plan the box transform");

  // Shell of every stored mode, and its one-sided weight, computed once.
  std::vector<std::size_t> shell(ncplx);
  std::vector<double> weight(ncplx);
  std::size_t nbins = 1;
  for (std::size_t idx = 0; idx < ncplx; ++idx) {
    std::size_t rest = idx;
    double k2 = 0.0;
    double w = 1.0;
    for (std::size_t d = dims.size(); d-- > 0;) {
      const int a = axes[d];
      const std::size_t na = grid.n(a);
      const std::size_t extent = d + 1 == dims.size() ? nhalf : na;
      const std::size_t m = rest % extent;
      rest /= extent;
      // Signed wavenumber index; the Nyquist mode counts as +n/2.
      const double ms =
          m <= na / 2 ? static_cast<double>(m) : static_cast<double>(m) - static_cast<double>(na);
      const double ka = ms * kTwoPi / grid.period[static_cast<std::size_t>(a)];
      k2 += ka * ka;
      if (d + 1 == dims.size()) w = one_sided_weight(m, na);
    }
    shell[idx] = static_cast<std::size_t>(std::lround(std::sqrt(k2) / s.dk));
    weight[idx] = inverse_k2 && k2 > 0.0 ? w / k2 : w;
    nbins = std::max(nbins, shell[idx] + 1);
  }
  s.k.resize(nbins);
  for (std::size_t b = 0; b < nbins; ++b) s.k[b] = static_cast<double>(b) * s.dk;
  s.energy.assign(nbins, 0.0);
  s.modes.assign(nbins, 0);
  for (std::size_t idx = 0; idx < ncplx; ++idx) {
    // Modes stored once stand for their conjugate too (one-sided weight 2).
    const std::size_t m = idx % nhalf;
    s.modes[shell[idx]] += one_sided_weight(m, nlast) > 1.0 ? 2 : 1;
  }

  const double inv_n = 1.0 / static_cast<double>(npts);
  for (std::size_t t = 0; t < nt; ++t) {
    for (std::size_t c = 0; c < ncomp; ++c) {
      const double* u = field.data + (t * ncomp + c) * npts;
      std::copy(u, u + npts, in.get());
      fftw_execute(plan.get());
      // The mean (mode 0) is not a fluctuation: it is left out.
      for (std::size_t idx = 1; idx < ncplx; ++idx) {
        const double re = out.get()[idx][0] * inv_n, im = out.get()[idx][1] * inv_n;
        s.energy[shell[idx]] += weight[idx] * (re * re + im * im) / static_cast<double>(nt);
      }
    }
  }
  return s;
}

}  // namespace

ShellSpectrum shell_spectrum(const RectGrid& grid, ArrayRef field, std::size_t nt,
                             std::size_t ncomp) {
  return shell_spectrum_weighted(grid, field, nt, ncomp, false);
}

ShellSpectrum shell_energy_from_vorticity(const RectGrid& grid, ArrayRef omega, std::size_t nt) {
  std::size_t extended = 0;
  for (int a = 0; a < 3; ++a) extended += grid.n(a) > 1 ? 1 : 0;
  EDDYOP_CHECK_HINT(extended == 2, "spectra",
                    "the energy spectrum from the vorticity needs a 2-D box, but this one has "
                        << extended << " axes of more than one node",
                    "take the shell spectrum of the velocity of a 3-D box");
  return shell_spectrum_weighted(grid, omega, nt, 1, true);
}

std::vector<double> line_spectrum_direct(const std::vector<double>& line) {
  const std::size_t n = line.size();
  EDDYOP_CHECK(n >= 1, "spectra", "an empty line has no spectrum");
  std::vector<double> e(n / 2 + 1, 0.0);
  for (std::size_t m = 0; m < e.size(); ++m) {
    std::complex<double> sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double phase = -kTwoPi * static_cast<double>(m * i % n) / static_cast<double>(n);
      sum += line[i] * std::complex<double>(std::cos(phase), std::sin(phase));
    }
    sum /= static_cast<double>(n);
    e[m] = one_sided_weight(m, n) * std::norm(sum);
  }
  return e;
}

}  // namespace eddyop::postprocess
