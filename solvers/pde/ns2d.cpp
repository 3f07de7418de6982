#include "solvers/pde/ns2d.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.hpp"
#include "solvers/pde/fftw_buffer.hpp"

namespace eddyop::solvers {

namespace {
constexpr double kPi = 3.14159265358979323846;
constexpr const char* kComponent = "ns2d";

// Number of whole `step`s in `span`, or −1 when span is not a multiple of step (to 1e-9).
long whole_multiple(double span, double step) {
  const double q = span / step;
  const double r = std::round(q);
  return std::abs(q - r) <= 1e-9 * std::max(1.0, r) ? static_cast<long>(r) : -1;
}
}  // namespace

double ns2d_max_dt(const Ns2dParams& p) {
  return p.cfl_max / (2.0 * p.velocity_bound * p.n);
}

void validate(const Ns2dParams& p) {
  EDDYOP_CHECK(p.n >= 8 && p.n % 2 == 0, kComponent, "n = " << p.n << " must be even and >= 8");
  EDDYOP_CHECK(p.n_store >= 1 && p.n % p.n_store == 0, kComponent,
               "n_store = " << p.n_store << " must divide n = " << p.n);
  EDDYOP_CHECK(std::isfinite(p.nu) && p.nu > 0.0, kComponent, "nu = " << p.nu << " must be > 0");
  EDDYOP_CHECK(std::isfinite(p.velocity_bound) && p.velocity_bound > 0.0, kComponent,
               "velocity_bound = " << p.velocity_bound << " must be > 0");
  EDDYOP_CHECK(p.cfl_max > 0.0 && p.cfl_max <= 1.0, kComponent,
               "cfl_max = " << p.cfl_max << " must be in (0, 1]");
  EDDYOP_CHECK(std::isfinite(p.dt) && p.dt > 0.0, kComponent, "dt = " << p.dt << " must be > 0");
  const double dt_max = ns2d_max_dt(p);
  EDDYOP_CHECK_HINT(p.dt <= dt_max, kComponent,
                    "dt = " << p.dt << " is above the stability limit " << dt_max
                            << " = cfl_max / (2 velocity_bound n) for n = " << p.n,
                    "lower dt, or raise velocity_bound only if the flow is known to be slower");
  EDDYOP_CHECK(
      p.record_interval > 0.0 && whole_multiple(p.record_interval, p.dt) > 0, kComponent,
      "record_interval = " << p.record_interval << " must be a positive multiple of dt = " << p.dt);
  EDDYOP_CHECK(p.t_final >= 0.0 && whole_multiple(p.t_final, p.record_interval) >= 0, kComponent,
               "t_final = " << p.t_final
                            << " must be a multiple of record_interval = " << p.record_interval);
  validate(p.ic, kComponent);
}

int ns2d_record_count(const Ns2dParams& p) {
  return static_cast<int>(whole_multiple(p.t_final, p.record_interval)) + 1;
}

struct Ns2dSolver::Impl {
  Ns2dParams p;
  int n = 0, nh = 0;
  int kc = 0;                  // kept columns of the 2/3 band: k_x = 0 … kc − 1
  std::size_t nr = 0, nc = 0;  // real and complex sizes
  double t = 0.0;
  bool have_previous = false;  // AB2 history
  // Per column q: 2π k_x (0 at the Nyquist column); per row r: 2π k_y (0 at the Nyquist row) and
  // whether the row is in the 2/3 band. Per mode (n, nh): 1/(4π²|k|²) (0 at k = 0) and the CN
  // factors 1 − a and 1/(1 + a). ψ̂ = ω̂/(4π²|k|²); û = i 2πk_y ψ̂, v̂ = −i 2πk_x ψ̂.
  std::vector<double> kxq, kyr, inv_lap, cn_num, cn_inv_den;
  std::vector<char> row_kept;
  double inv_nr = 0.0;  // the dealias mask's value in the band: 1/n²
  detail::FftwPtr<fftw_complex> w_hat, f_hat, rhs, rhs_prev, scratch, spectra4;
  detail::FftwPtr<double> fields4;
  fftw_complex *d_u = nullptr, *d_v = nullptr, *d_wx = nullptr, *d_wy = nullptr;
  double *u = nullptr, *v = nullptr, *wx = nullptr, *wy = nullptr;
  // 2-D transforms for input and output (set_vorticity, forcing, vorticity, velocity).
  detail::Plan r2c, c2r;
  // The step's transforms, split into 1-D passes so that the forward one is pruned to the band:
  // inverse = columns (c2c along y, 4 fields × nh columns) then rows (c2r along x, 4n rows);
  // forward = rows (r2c along x, n rows) then only the kc kept columns (c2c along y).
  detail::Plan inv_cols, inv_rows, fwd_rows, fwd_cols;

  explicit Impl(const Ns2dParams& params) : p(params), n(params.n), nh(params.n / 2 + 1) {
    nr = static_cast<std::size_t>(n) * n;
    nc = static_cast<std::size_t>(n) * nh;
    inv_nr = 1.0 / static_cast<double>(nr);
    w_hat = detail::fftw_alloc<fftw_complex>(nc);
    f_hat = detail::fftw_alloc<fftw_complex>(nc);
    rhs = detail::fftw_alloc<fftw_complex>(nc);
    rhs_prev = detail::fftw_alloc<fftw_complex>(nc);
    scratch = detail::fftw_alloc<fftw_complex>(nc);
    spectra4 = detail::fftw_alloc<fftw_complex>(4 * nc);
    fields4 = detail::fftw_alloc<double>(4 * nr);
    d_u = spectra4.get();
    d_v = d_u + nc;
    d_wx = d_v + nc;
    d_wy = d_wx + nc;
    u = fields4.get();
    v = u + nr;
    wx = v + nr;
    wy = wx + nr;
    const double kcut = (2.0 / 3.0) * (n / 2);
    kc = static_cast<int>(std::floor(kcut)) + 1;
    // FFTW_ESTIMATE: a deterministic plan, so the same seed gives bitwise the same trajectory,
    // in every process (1 rank and 2 ranks give the same bits).
    r2c.reset(fftw_plan_dft_r2c_2d(n, n, u, scratch.get(), FFTW_ESTIMATE));
    c2r.reset(fftw_plan_dft_c2r_2d(n, n, scratch.get(), u, FFTW_ESTIMATE));
    const int inh = nh, inc = static_cast<int>(nc), len = n;
    const fftw_iodim col{n, inh, inh};
    const fftw_iodim inv_many[2] = {{4, inc, inc}, {nh, 1, 1}};
    inv_cols.reset(fftw_plan_guru_dft(1, &col, 2, inv_many, spectra4.get(), spectra4.get(),
                                      FFTW_BACKWARD, FFTW_ESTIMATE));
    // c2r destroys its input: the spectra are refilled before every use.
    inv_rows.reset(fftw_plan_many_dft_c2r(1, &len, 4 * n, spectra4.get(), nullptr, 1, inh,
                                          fields4.get(), nullptr, 1, n, FFTW_ESTIMATE));
    fwd_rows.reset(fftw_plan_many_dft_r2c(1, &len, n, u, nullptr, 1, n, scratch.get(), nullptr, 1,
                                          inh, FFTW_ESTIMATE | FFTW_DESTROY_INPUT));
    const fftw_iodim fwd_many{kc, 1, 1};
    fwd_cols.reset(fftw_plan_guru_dft(1, &col, 1, &fwd_many, scratch.get(), scratch.get(),
                                      FFTW_FORWARD, FFTW_ESTIMATE));
    EDDYOP_CHECK(r2c && c2r && inv_cols && inv_rows && fwd_rows && fwd_cols, kComponent,
                 "FFTW could not plan a " << n << "^2 transform");

    kxq.resize(nh);
    kyr.resize(n);
    row_kept.resize(n);
    inv_lap.resize(nc);
    cn_num.resize(nc);
    cn_inv_den.resize(nc);
    // Derivatives of the Nyquist modes are set to zero (their sign is ambiguous), so that
    // velocities and gradients are real fields whose curl and divergence are consistent.
    for (int q = 0; q < nh; ++q) kxq[q] = q == n / 2 ? 0.0 : 2.0 * kPi * q;
    for (int r = 0; r < n; ++r) {
      const int kyi = r <= n / 2 ? r : r - n;
      kyr[r] = r == n / 2 ? 0.0 : 2.0 * kPi * kyi;
      row_kept[r] = std::abs(kyi) <= kcut;
      for (int q = 0; q < nh; ++q) {
        const std::size_t m = static_cast<std::size_t>(r) * nh + q;
        const double lap =
            4.0 * kPi * kPi * (static_cast<double>(q) * q + static_cast<double>(kyi) * kyi);
        inv_lap[m] = lap > 0.0 ? 1.0 / lap : 0.0;
        const double a = 0.5 * p.dt * p.nu * lap;
        cn_num[m] = 1.0 - a;
        cn_inv_den[m] = 1.0 / (1.0 + a);
      }
    }
    // The forcing's coefficients, by transforming its samples.
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) {
        const double s = 2.0 * kPi * (static_cast<double>(i) + j) / n;
        u[static_cast<std::size_t>(j) * n + i] =
            p.forcing ? 0.1 * (std::sin(s) + std::cos(s)) : 0.0;
      }
    forward(u, f_hat.get());
    for (std::size_t m = 0; m < nc; ++m) {
      f_hat[m][0] /= static_cast<double>(nr);
      f_hat[m][1] /= static_cast<double>(nr);
    }
    std::memset(w_hat.get(), 0, sizeof(fftw_complex) * nc);
  }

  void forward(double* in, fftw_complex* out) const { fftw_execute_dft_r2c(r2c.get(), in, out); }

  // One pass over ω̂ fills the spectra of u = ∂ψ/∂y, v = −∂ψ/∂x (ψ̂ = ω̂ / (4π²|k|²)) and,
  // when `gradient`, of ∂ω/∂x and ∂ω/∂y: i c ω̂ = (−c Im ω̂, c Re ω̂).
  void derivative_spectra(const fftw_complex* w, bool gradient) const {
    const double* kx = kxq.data();
    for (int r = 0; r < n; ++r) {
      const std::size_t o = static_cast<std::size_t>(r) * nh;
      const fftw_complex* wr = w + o;
      const double* il = inv_lap.data() + o;
      fftw_complex *du = d_u + o, *dv = d_v + o, *dx = d_wx + o, *dy = d_wy + o;
      const double ky = kyr[r];
      for (int q = 0; q < nh; ++q) {
        const double re = wr[q][0], im = wr[q][1];
        const double fu = ky * il[q], fv = -kx[q] * il[q];
        du[q][0] = -fu * im;
        du[q][1] = fu * re;
        dv[q][0] = -fv * im;
        dv[q][1] = fv * re;
        if (gradient) {
          dx[q][0] = -kx[q] * im;
          dx[q][1] = kx[q] * re;
          dy[q][0] = -ky * im;
          dy[q][1] = ky * re;
        }
      }
    }
  }

  // c2r overwrites its input; every input here is refilled before each use.
  void inverse(fftw_complex* in, double* out) const { fftw_execute_dft_c2r(c2r.get(), in, out); }

  void velocity_from(const fftw_complex* w, double* uo, double* vo) const {
    derivative_spectra(w, false);
    inverse(d_u, uo);
    inverse(d_v, vo);
  }

  // scratch = FFT(u·∇ω) (unnormalised) on the 2/3 band's columns k_x < kc; the other columns
  // hold partial (row-transformed) values that the dealiasing drops. 4 inverse real FFTs and
  // one forward real FFT pruned to the kept columns.
  void advection_of(const fftw_complex* w) {
    derivative_spectra(w, true);
    fftw_execute(inv_cols.get());
    fftw_execute(inv_rows.get());
    double* nl = u;
    for (std::size_t k = 0; k < nr; ++k) nl[k] = u[k] * wx[k] + v[k] * wy[k];
    fftw_execute(fwd_rows.get());
    fftw_execute(fwd_cols.get());
  }

  // For every mode m, with F = f̂ − dealias(FFT(u·∇ω)) / n² (f̂ alone outside the band),
  // calls op(m, Re F, Im F); the band's modes first, row by row.
  template <class Op>
  void for_each_rhs(Op&& op) const {
    const fftw_complex *f = f_hat.get(), *s = scratch.get();
    for (int r = 0; r < n; ++r) {
      const std::size_t o = static_cast<std::size_t>(r) * nh;
      const int qk = row_kept[r] ? kc : 0;
      for (int q = 0; q < qk; ++q) {
        const std::size_t m = o + q;
        op(m, f[m][0] - inv_nr * s[m][0], f[m][1] - inv_nr * s[m][1]);
      }
      for (int q = qk; q < nh; ++q) {
        const std::size_t m = o + q;
        op(m, f[m][0], f[m][1]);
      }
    }
  }

  // out = F(ω) = f̂ − dealias(FFT(u·∇ω)) / n².
  void rhs_of(const fftw_complex* w, fftw_complex* out) {
    advection_of(w);
    for_each_rhs([out](std::size_t m, double fre, double fim) {
      out[m][0] = fre;
      out[m][1] = fim;
    });
  }

  // ω̂ ← [(1 − a) ω̂_base + dt (c1 F1 + c2 F2)] / (1 + a), a = dt ν 4π²|k|² / 2.
  void cn_update(fftw_complex* out, const fftw_complex* base, double c1, const fftw_complex* f1,
                 double c2, const fftw_complex* f2) const {
    const double dt = p.dt;
    for (std::size_t m = 0; m < nc; ++m) {
      const double re = cn_num[m] * base[m][0] + dt * (c1 * f1[m][0] + c2 * f2[m][0]);
      const double im = cn_num[m] * base[m][1] + dt * (c1 * f1[m][1] + c2 * f2[m][1]);
      out[m][0] = re * cn_inv_den[m];
      out[m][1] = im * cn_inv_den[m];
    }
  }

  void step() {
    if (!have_previous) {
      // Heun: predictor with F(ω^n), corrector with the mean of F(ω^n) and F(ω*).
      rhs_of(w_hat.get(), rhs_prev.get());
      auto predicted = detail::fftw_alloc<fftw_complex>(nc);
      cn_update(predicted.get(), w_hat.get(), 1.0, rhs_prev.get(), 0.0, rhs_prev.get());
      rhs_of(predicted.get(), rhs.get());
      cn_update(w_hat.get(), w_hat.get(), 0.5, rhs_prev.get(), 0.5, rhs.get());
      have_previous = true;
    } else {
      // AB2 + CN, with F^n formed in the same pass and kept for the next step.
      advection_of(w_hat.get());
      const double dt = p.dt;
      fftw_complex *w = w_hat.get(), *fp = rhs_prev.get();
      const double *num = cn_num.data(), *den = cn_inv_den.data();
      for_each_rhs([=](std::size_t m, double fre, double fim) {
        const double re = num[m] * w[m][0] + dt * (1.5 * fre - 0.5 * fp[m][0]);
        const double im = num[m] * w[m][1] + dt * (1.5 * fim - 0.5 * fp[m][1]);
        w[m][0] = re * den[m];
        w[m][1] = im * den[m];
        fp[m][0] = fre;
        fp[m][1] = fim;
      });
    }
    t += p.dt;
  }
};

Ns2dSolver::Ns2dSolver(const Ns2dParams& p) {
  validate(p);
  impl_ = std::make_unique<Impl>(p);
}

Ns2dSolver::~Ns2dSolver() = default;

void Ns2dSolver::set_vorticity(const std::vector<double>& omega) {
  Impl& s = *impl_;
  EDDYOP_CHECK(omega.size() == s.nr, kComponent,
               "vorticity has " << omega.size() << " values, expected n^2 = " << s.nr);
  std::copy(omega.begin(), omega.end(), s.u);
  s.forward(s.u, s.w_hat.get());
  for (std::size_t m = 0; m < s.nc; ++m) {
    s.w_hat[m][0] /= static_cast<double>(s.nr);
    s.w_hat[m][1] /= static_cast<double>(s.nr);
  }
  // On the torus the mean vorticity is zero; the Nyquist modes have no velocity to carry them.
  s.w_hat[0][0] = s.w_hat[0][1] = 0.0;
  for (int r = 0; r < s.n; ++r) {
    const std::size_t m = static_cast<std::size_t>(r) * s.nh + s.n / 2;
    s.w_hat[m][0] = s.w_hat[m][1] = 0.0;
  }
  for (int q = 0; q < s.nh; ++q) {
    const std::size_t m = static_cast<std::size_t>(s.n / 2) * s.nh + q;
    s.w_hat[m][0] = s.w_hat[m][1] = 0.0;
  }
  s.t = 0.0;
  s.have_previous = false;
}

void Ns2dSolver::step() {
  impl_->step();
}

void Ns2dSolver::advance(long steps) {
  for (long k = 0; k < steps; ++k) impl_->step();
}

std::vector<double> Ns2dSolver::vorticity() const {
  const Impl& s = *impl_;
  std::memcpy(s.scratch.get(), s.w_hat.get(), sizeof(fftw_complex) * s.nc);
  std::vector<double> out(s.nr);
  auto tmp = detail::fftw_alloc<double>(s.nr);
  s.inverse(s.scratch.get(), tmp.get());
  std::copy(tmp.get(), tmp.get() + s.nr, out.begin());
  return out;
}

void Ns2dSolver::velocity(std::vector<double>& u, std::vector<double>& v) const {
  const Impl& s = *impl_;
  auto tu = detail::fftw_alloc<double>(s.nr);
  auto tv = detail::fftw_alloc<double>(s.nr);
  s.velocity_from(s.w_hat.get(), tu.get(), tv.get());
  u.assign(tu.get(), tu.get() + s.nr);
  v.assign(tv.get(), tv.get() + s.nr);
}

double Ns2dSolver::cfl() const {
  std::vector<double> u, v;
  velocity(u, v);
  double umax = 0.0, vmax = 0.0;
  for (std::size_t k = 0; k < u.size(); ++k) {
    umax = std::max(umax, std::abs(u[k]));
    vmax = std::max(vmax, std::abs(v[k]));
  }
  return impl_->p.dt * (umax + vmax) * impl_->n;
}

double Ns2dSolver::time() const {
  return impl_->t;
}

std::vector<double> ns2d_initial_vorticity(const Ns2dParams& p, std::uint64_t seed,
                                           std::uint64_t sample) {
  validate(p);
  return grf_periodic_2d(p.ic, p.n, seed, sample);
}

std::vector<float> ns2d_sample(const Ns2dParams& p, std::uint64_t seed, std::uint64_t sample) {
  validate(p);
  const int records = ns2d_record_count(p);
  const long steps_per_record = whole_multiple(p.record_interval, p.dt);
  const int stride = p.n / p.n_store;
  const std::size_t frame = static_cast<std::size_t>(p.n_store) * p.n_store;
  std::vector<float> out(static_cast<std::size_t>(records) * frame);

  Ns2dSolver solver(p);
  solver.set_vorticity(ns2d_initial_vorticity(p, seed, sample));
  for (int r = 0; r < records; ++r) {
    if (r > 0) solver.advance(steps_per_record);
    const double cfl = solver.cfl();
    EDDYOP_CHECK_HINT(std::isfinite(cfl) && cfl <= p.cfl_max, kComponent,
                      "CFL = " << cfl << " at t = " << solver.time() << " exceeds cfl_max = "
                               << p.cfl_max << " (sample " << sample << ", dt = " << p.dt << ")",
                      "lower dt (and velocity_bound to the speeds this flow reaches)");
    const std::vector<double> w = solver.vorticity();
    float* dst = out.data() + static_cast<std::size_t>(r) * frame;
    for (int j = 0; j < p.n_store; ++j)
      for (int i = 0; i < p.n_store; ++i)
        dst[static_cast<std::size_t>(j) * p.n_store + i] = static_cast<float>(
            w[static_cast<std::size_t>(j) * stride * p.n + static_cast<std::size_t>(i) * stride]);
  }
  return out;
}

}  // namespace eddyop::solvers
