#include "solvers/pde/burgers.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>

#include "core/error.hpp"
#include "solvers/pde/fftw_buffer.hpp"

namespace eddyop::solvers {

namespace {
constexpr double kPi = 3.14159265358979323846;
constexpr const char* kComponent = "burgers";
using cplx = std::complex<double>;

long whole_steps(double t, double dt) {
  const double q = t / dt;
  const double r = std::round(q);
  return std::abs(q - r) <= 1e-9 * std::max(1.0, r) ? static_cast<long>(r) : -1;
}
}  // namespace

double burgers_initial_std(const BurgersParams& p) {
  double var = 0.0;
  for (int k = 1; k <= p.n / 2; ++k)
    var += (k == p.n / 2 ? 1.0 : 2.0) * grf_periodic_variance(p.ic, static_cast<double>(k) * k);
  return std::sqrt(var);
}

double burgers_max_dt(const BurgersParams& p, double velocity_scale) {
  const double k_eff = std::min(2.0 * kPi * (p.n / 3), velocity_scale / p.nu);
  return velocity_scale > 0.0 ? p.cfl_max / (velocity_scale * k_eff)
                              : std::numeric_limits<double>::infinity();
}

namespace {
void validate_grid_and_time(const BurgersParams& p) {
  EDDYOP_CHECK(p.n >= 8 && p.n % 2 == 0, kComponent, "n = " << p.n << " must be even and >= 8");
  EDDYOP_CHECK(p.n_store >= 1 && p.n % p.n_store == 0, kComponent,
               "n_store = " << p.n_store << " must divide n = " << p.n);
  EDDYOP_CHECK(std::isfinite(p.nu) && p.nu > 0.0, kComponent, "nu = " << p.nu << " must be > 0");
  EDDYOP_CHECK(p.cfl_max > 0.0 && p.cfl_max <= 2.8, kComponent,
               "cfl_max = " << p.cfl_max << " must be in (0, 2.8]");
  EDDYOP_CHECK(std::isfinite(p.dt) && p.dt > 0.0, kComponent, "dt = " << p.dt << " must be > 0");
  EDDYOP_CHECK(p.t_final >= 0.0 && whole_steps(p.t_final, p.dt) >= 0, kComponent,
               "t_final = " << p.t_final << " must be a multiple of dt = " << p.dt);
}

void check_dt(const BurgersParams& p, double velocity_scale, const char* what) {
  const double dt_max = burgers_max_dt(p, velocity_scale);
  EDDYOP_CHECK_HINT(p.dt <= dt_max, kComponent,
                    "dt = " << p.dt << " is above the stability limit " << dt_max << " for " << what
                            << " U = " << velocity_scale << ", nu = " << p.nu << ", n = " << p.n,
                    "lower dt");
}
}  // namespace

void validate(const BurgersParams& p) {
  validate_grid_and_time(p);
  validate(p.ic, kComponent);
  check_dt(p, 5.0 * burgers_initial_std(p), "the initial field's 5-sigma speed");
}

std::vector<double> burgers_solve(const BurgersParams& p, const std::vector<double>& u0) {
  validate_grid_and_time(p);
  const int n = p.n, nh = n / 2 + 1;
  EDDYOP_CHECK(u0.size() == static_cast<std::size_t>(n), kComponent,
               "u0 has " << u0.size() << " values, expected n = " << n);
  double umax = 0.0;
  for (double x : u0) umax = std::max(umax, std::abs(x));
  EDDYOP_CHECK(std::isfinite(umax), kComponent, "u0 is not finite");
  check_dt(p, umax, "max|u0|");

  auto phys = detail::fftw_alloc<double>(n);
  auto spec = detail::fftw_alloc<fftw_complex>(nh);
  const detail::Plan r2c(fftw_plan_dft_r2c_1d(n, phys.get(), spec.get(), FFTW_ESTIMATE));
  const detail::Plan c2r(fftw_plan_dft_c2r_1d(n, spec.get(), phys.get(), FFTW_ESTIMATE));

  // ETDRK4 coefficients per mode, by the mean over M points of a circle around z = L h
  // (Kassam & Trefethen), which avoids the cancellation in (e^z − 1 − z …)/z³ at small z.
  const double h = p.dt;
  const double kcut = (2.0 / 3.0) * (n / 2);
  std::vector<double> E(nh), E2(nh), Q(nh), f1(nh), f2(nh), f3(nh);
  std::vector<cplx> gnl(nh);  // N̂ = g · FFT(u²): −iπk / n (dealiased, normalised)
  constexpr int M = 32;
  for (int k = 0; k < nh; ++k) {
    const double L = -p.nu * (2.0 * kPi * k) * (2.0 * kPi * k);
    E[k] = std::exp(L * h);
    E2[k] = std::exp(0.5 * L * h);
    cplx q = 0, a = 0, b = 0, c = 0;
    for (int j = 1; j <= M; ++j) {
      const cplx z = L * h + std::exp(cplx(0.0, kPi * (j - 0.5) / M));
      const cplx ez = std::exp(z);
      q += (std::exp(0.5 * z) - 1.0) / z;
      a += (-4.0 - z + ez * (4.0 - 3.0 * z + z * z)) / (z * z * z);
      b += (2.0 + z + ez * (z - 2.0)) / (z * z * z);
      c += (-4.0 - 3.0 * z - z * z + ez * (4.0 - z)) / (z * z * z);
    }
    // The circle is symmetric about the real axis, so the means are real.
    Q[k] = h * q.real() / M;
    f1[k] = h * a.real() / M;
    f2[k] = h * b.real() / M;
    f3[k] = h * c.real() / M;
    gnl[k] = k <= kcut ? cplx(0.0, -kPi * k / n) : cplx(0.0);
  }

  std::vector<cplx> v(nh), a(nh), b(nh), c(nh), Nv(nh), Na(nh), Nb(nh), Nc(nh);
  auto nonlinear = [&](const std::vector<cplx>& s, std::vector<cplx>& out) {
    for (int k = 0; k < nh; ++k) {
      spec[k][0] = s[k].real();
      spec[k][1] = s[k].imag();
    }
    fftw_execute(c2r.get());
    for (int i = 0; i < n; ++i) phys[i] *= phys[i];
    fftw_execute(r2c.get());
    for (int k = 0; k < nh; ++k) out[k] = gnl[k] * cplx(spec[k][0], spec[k][1]);
  };

  std::copy(u0.begin(), u0.end(), phys.get());
  fftw_execute(r2c.get());
  for (int k = 0; k < nh; ++k) v[k] = cplx(spec[k][0], spec[k][1]) / static_cast<double>(n);

  const long steps = whole_steps(p.t_final, p.dt);
  for (long s = 0; s < steps; ++s) {
    nonlinear(v, Nv);
    for (int k = 0; k < nh; ++k) a[k] = E2[k] * v[k] + Q[k] * Nv[k];
    nonlinear(a, Na);
    for (int k = 0; k < nh; ++k) b[k] = E2[k] * v[k] + Q[k] * Na[k];
    nonlinear(b, Nb);
    for (int k = 0; k < nh; ++k) c[k] = E2[k] * a[k] + Q[k] * (2.0 * Nb[k] - Nv[k]);
    nonlinear(c, Nc);
    for (int k = 0; k < nh; ++k)
      v[k] = E[k] * v[k] + f1[k] * Nv[k] + 2.0 * f2[k] * (Na[k] + Nb[k]) + f3[k] * Nc[k];
  }

  for (int k = 0; k < nh; ++k) {
    spec[k][0] = v[k].real();
    spec[k][1] = v[k].imag();
  }
  fftw_execute(c2r.get());
  std::vector<double> out(phys.get(), phys.get() + n);
  for (double x : out)
    EDDYOP_CHECK_HINT(std::isfinite(x), kComponent,
                      "the solution blew up (dt = " << p.dt << ", nu = " << p.nu << ")",
                      "lower dt");
  return out;
}

BurgersSample burgers_sample(const BurgersParams& p, std::uint64_t seed, std::uint64_t sample) {
  validate(p);
  const std::vector<double> u0 = grf_periodic_1d(p.ic, p.n, seed, sample);
  const std::vector<double> uT = burgers_solve(p, u0);
  const int stride = p.n / p.n_store;
  BurgersSample out;
  out.u0.resize(p.n_store);
  out.uT.resize(p.n_store);
  for (int i = 0; i < p.n_store; ++i) {
    out.u0[i] = static_cast<float>(u0[static_cast<std::size_t>(i) * stride]);
    out.uT[i] = static_cast<float>(uT[static_cast<std::size_t>(i) * stride]);
  }
  return out;
}

}  // namespace eddyop::solvers
