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
  int n = 0, nh = 0, m = 0;    // m = n/2: the half-length of the complex transforms
  int kc = 0;                  // kept columns of the 2/3 band: k_x = 0 … kc − 1
  int ls = 0, lh = 0;          // row strides (complex) of the pair and half-length buffers
  std::size_t nr = 0, nc = 0;  // real and complex (half-spectrum) sizes
  double t = 0.0;
  bool have_previous = false;  // AB2 history
  // Per column q: 2π k_x (0 at the Nyquist column); per row r: 2π k_y (0 at the Nyquist row) and
  // whether the row is in the 2/3 band. Per mode (n, nh): 1/(4π²|k|²) (0 at k = 0) and the CN
  // factors 1 − a and 1/(1 + a). ψ̂ = ω̂/(4π²|k|²); û = i 2πk_y ψ̂, v̂ = −i 2πk_x ψ̂.
  std::vector<double> kxq, kyr, inv_lap, cn_num, cn_inv_den;
  // Per column k < kc: (−sin, −cos)(2πk/n) / (2n²), the twiddle that unpacks a real transform
  // from the half-length complex one (see advection_mode).
  std::vector<double> unpack_re, unpack_im;
  std::vector<char> row_kept;
  double inv_nr = 0.0;  // the dealias mask's value in the band: 1/n²
  detail::FftwPtr<fftw_complex> w_hat, f_hat, rhs, rhs_prev, scratch, pairs, half;
  detail::FftwPtr<double> real;
  // 2-D real transforms for input and output (set_vorticity, forcing, vorticity).
  detail::Plan r2c, c2r;
  // The step's transforms, all complex (FFTW's SIMD codelets; its real 1-D codelets are scalar):
  // inverse = two n × n c2c of the packed fields u + i v and ∂ω/∂x + i ∂ω/∂y (`pairs`, rows of
  // ls = n + 1, padded off a power of two); forward = one n × n/2 c2c of the product with its even
  // and odd points as the real and imaginary parts (`half`, rows of lh = n/2 + 1).
  detail::Plan inv_pairs, fwd_half;

  explicit Impl(const Ns2dParams& params)
      : p(params), n(params.n), nh(params.n / 2 + 1), m(params.n / 2) {
    nr = static_cast<std::size_t>(n) * n;
    nc = static_cast<std::size_t>(n) * nh;
    ls = n + 1;
    lh = m + 1;
    inv_nr = 1.0 / static_cast<double>(nr);
    w_hat = detail::fftw_alloc<fftw_complex>(nc);
    f_hat = detail::fftw_alloc<fftw_complex>(nc);
    rhs = detail::fftw_alloc<fftw_complex>(nc);
    rhs_prev = detail::fftw_alloc<fftw_complex>(nc);
    scratch = detail::fftw_alloc<fftw_complex>(nc);
    pairs = detail::fftw_alloc<fftw_complex>(2 * static_cast<std::size_t>(n) * ls);
    half = detail::fftw_alloc<fftw_complex>(static_cast<std::size_t>(n) * lh);
    real = detail::fftw_alloc<double>(nr);
    const double kcut = (2.0 / 3.0) * (n / 2);
    kc = static_cast<int>(std::floor(kcut)) + 1;  // < m for every even n ≥ 8
    // FFTW_ESTIMATE: a deterministic plan, so the same seed gives bitwise the same trajectory,
    // in every process (1 rank and 2 ranks give the same bits).
    r2c.reset(fftw_plan_dft_r2c_2d(n, n, real.get(), scratch.get(), FFTW_ESTIMATE));
    c2r.reset(fftw_plan_dft_c2r_2d(n, n, scratch.get(), real.get(), FFTW_ESTIMATE));
    const fftw_iodim pair_dims[2] = {{n, ls, ls}, {n, 1, 1}};
    const fftw_iodim pair_many{2, n * ls, n * ls};
    inv_pairs.reset(fftw_plan_guru_dft(2, pair_dims, 1, &pair_many, pairs.get(), pairs.get(),
                                       FFTW_BACKWARD, FFTW_ESTIMATE));
    const fftw_iodim half_dims[2] = {{n, lh, lh}, {m, 1, 1}};
    fwd_half.reset(fftw_plan_guru_dft(2, half_dims, 0, nullptr, half.get(), half.get(),
                                      FFTW_FORWARD, FFTW_ESTIMATE));
    EDDYOP_CHECK(r2c && c2r && inv_pairs && fwd_half, kComponent,
                 "FFTW could not plan a " << n << "^2 transform");

    kxq.resize(nh);
    kyr.resize(n);
    row_kept.resize(n);
    inv_lap.resize(nc);
    cn_num.resize(nc);
    cn_inv_den.resize(nc);
    unpack_re.resize(kc);
    unpack_im.resize(kc);
    // Derivatives of the Nyquist modes are set to zero (their sign is ambiguous), so that
    // velocities and gradients are real fields whose curl and divergence are consistent.
    for (int q = 0; q < nh; ++q) kxq[q] = q == n / 2 ? 0.0 : 2.0 * kPi * q;
    for (int q = 0; q < kc; ++q) {
      const double th = 2.0 * kPi * q / n;
      unpack_re[q] = -0.5 * inv_nr * std::sin(th);
      unpack_im[q] = -0.5 * inv_nr * std::cos(th);
    }
    for (int r = 0; r < n; ++r) {
      const int kyi = r <= n / 2 ? r : r - n;
      kyr[r] = r == n / 2 ? 0.0 : 2.0 * kPi * kyi;
      row_kept[r] = std::abs(kyi) <= kcut;
      for (int q = 0; q < nh; ++q) {
        const std::size_t k = static_cast<std::size_t>(r) * nh + q;
        const double lap =
            4.0 * kPi * kPi * (static_cast<double>(q) * q + static_cast<double>(kyi) * kyi);
        inv_lap[k] = lap > 0.0 ? 1.0 / lap : 0.0;
        const double a = 0.5 * p.dt * p.nu * lap;
        cn_num[k] = 1.0 - a;
        cn_inv_den[k] = 1.0 / (1.0 + a);
      }
    }
    // The forcing's coefficients, by transforming its samples.
    double* fr = real.get();
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) {
        const double s = 2.0 * kPi * (static_cast<double>(i) + j) / n;
        fr[static_cast<std::size_t>(j) * n + i] =
            p.forcing ? 0.1 * (std::sin(s) + std::cos(s)) : 0.0;
      }
    forward(fr, f_hat.get());
    for (std::size_t k = 0; k < nc; ++k) {
      f_hat[k][0] /= static_cast<double>(nr);
      f_hat[k][1] /= static_cast<double>(nr);
    }
    std::memset(w_hat.get(), 0, sizeof(fftw_complex) * nc);
  }

  void forward(double* in, fftw_complex* out) const { fftw_execute_dft_r2c(r2c.get(), in, out); }

  // c2r overwrites its input; every input here is refilled before each use.
  void inverse(fftw_complex* in, double* out) const { fftw_execute_dft_c2r(c2r.get(), in, out); }

  // The full n × n spectra of z1 = u + i v and z2 = ∂ω/∂x + i ∂ω/∂y from the half spectrum ω̂,
  // so that one complex inverse transform gives two real fields. With κ = 2π(k_x + i k_y),
  // ψ̂ = ω̂/(4π²|k|²): ẑ1(k) = κ ψ̂, ẑ2(k) = i κ ω̂, and at −k (the other half)
  // ẑ1(−k) = −κ conj(ψ̂), ẑ2(−k) = −i κ conj(ω̂). Columns k_x = 0 and n/2 hold both k and −k
  // of the half spectrum; there the pair's values are averaged, which takes the Hermitian part
  // as FFTW's c2r does (it ignores the imaginary parts of those columns after the y pass).
  void pack_pairs(const fftw_complex* w) const {
    fftw_complex* z1 = pairs.get();
    fftw_complex* z2 = z1 + static_cast<std::size_t>(n) * ls;
    for (int r = 0; r < n; ++r) {
      const int rm = r == 0 ? 0 : n - r;  // the row of −k_y
      const std::size_t o = static_cast<std::size_t>(r) * nh;
      const fftw_complex* wr = w + o;
      const double* il = inv_lap.data() + o;
      const double b = kyr[r];
      fftw_complex* z1r = z1 + static_cast<std::size_t>(r) * ls;
      fftw_complex* z2r = z2 + static_cast<std::size_t>(r) * ls;
      // The −k modes of row r's modes k_x = q sit in row rm, column n − q.
      fftw_complex* z1m = z1 + static_cast<std::size_t>(rm) * ls + n;
      fftw_complex* z2m = z2 + static_cast<std::size_t>(rm) * ls + n;
      for (int q = 1; q < m; ++q) {
        const double a = kxq[q];
        const double wre = wr[q][0], wim = wr[q][1];
        const double pre = il[q] * wre, pim = il[q] * wim;
        z1r[q][0] = a * pre - b * pim;
        z1r[q][1] = a * pim + b * pre;
        z2r[q][0] = -b * wre - a * wim;
        z2r[q][1] = a * wre - b * wim;
        z1m[-q][0] = -(a * pre + b * pim);
        z1m[-q][1] = a * pim - b * pre;
        z2m[-q][0] = b * wre - a * wim;
        z2m[-q][1] = -(a * wre + b * wim);
      }
    }
    for (const int q : {0, m}) {
      for (int r = 0; r < n; ++r) {
        const int rm = r == 0 ? 0 : n - r;
        const std::size_t k = static_cast<std::size_t>(r) * nh + q;
        const std::size_t km = static_cast<std::size_t>(rm) * nh + q;
        const double a = kxq[q], b = kyr[r], bm = kyr[rm];
        const double wre = w[k][0], wim = w[k][1], vre = w[km][0], vim = w[km][1];
        const double pre = inv_lap[k] * wre, pim = inv_lap[k] * wim;
        const double sre = inv_lap[km] * vre, sim = inv_lap[km] * vim;
        fftw_complex& y1 = z1[static_cast<std::size_t>(r) * ls + q];
        fftw_complex& y2 = z2[static_cast<std::size_t>(r) * ls + q];
        y1[0] = 0.5 * ((a * pre - b * pim) - (a * sre + bm * sim));
        y1[1] = 0.5 * ((a * pim + b * pre) + (a * sim - bm * sre));
        y2[0] = 0.5 * ((-b * wre - a * wim) + (bm * vre - a * vim));
        y2[1] = 0.5 * ((a * wre - b * wim) - (a * vre + bm * vim));
      }
    }
  }

  // half = the transform of u·∇ω (unnormalised) packed as an n × n/2 complex field;
  // advection_mode unpacks it. 2 complex n² inverse transforms and 1 complex n²/2 forward one.
  void advection_of(const fftw_complex* w) {
    pack_pairs(w);
    fftw_execute(inv_pairs.get());
    const fftw_complex* z1 = pairs.get();
    const fftw_complex* z2 = z1 + static_cast<std::size_t>(n) * ls;
    for (int j = 0; j < n; ++j) {
      const fftw_complex* a = z1 + static_cast<std::size_t>(j) * ls;
      const fftw_complex* g = z2 + static_cast<std::size_t>(j) * ls;
      double* out = reinterpret_cast<double*>(half.get() + static_cast<std::size_t>(j) * lh);
      for (int i = 0; i < n; ++i) out[i] = a[i][0] * g[i][0] + a[i][1] * g[i][1];
    }
    fftw_execute(fwd_half.get());
  }

  // The mode (row r, column q < kc) of FFT(u·∇ω) / n² from the half-length transform Z of the
  // product's even (real part) and odd (imaginary part) points: with P = Z(k), Q = conj Z(−k)
  // (column m − q of row −k_y), the even points' transform is (P + Q)/2, the odd ones'
  // −i (P − Q)/2, and the mode is even + e^{−2πiq/n} odd.
  void advection_mode(int r, int q, double& re, double& im) const {
    const int rm = r == 0 ? 0 : n - r;
    const fftw_complex& pz = half[static_cast<std::size_t>(r) * lh + q];
    const fftw_complex& qz = half[static_cast<std::size_t>(rm) * lh + (q == 0 ? 0 : m - q)];
    const double sre = pz[0] + qz[0], sim = pz[1] - qz[1];
    const double dre = pz[0] - qz[0], dim = pz[1] + qz[1];
    const double cre = unpack_re[q], cim = unpack_im[q];
    re = 0.5 * inv_nr * sre + cre * dre - cim * dim;
    im = 0.5 * inv_nr * sim + cre * dim + cim * dre;
  }

  // For every mode k, with F = f̂ − dealias(FFT(u·∇ω)) / n² (f̂ alone outside the band),
  // calls op(k, Re F, Im F); the band's modes first, row by row.
  template <class Op>
  void for_each_rhs(Op&& op) const {
    const fftw_complex* f = f_hat.get();
    for (int r = 0; r < n; ++r) {
      const std::size_t o = static_cast<std::size_t>(r) * nh;
      const int qk = row_kept[r] ? kc : 0;
      for (int q = 0; q < qk; ++q) {
        double are, aim;
        advection_mode(r, q, are, aim);
        op(o + q, f[o + q][0] - are, f[o + q][1] - aim);
      }
      for (int q = qk; q < nh; ++q) op(o + q, f[o + q][0], f[o + q][1]);
    }
  }

  // out = F(ω) = f̂ − dealias(FFT(u·∇ω)) / n².
  void rhs_of(const fftw_complex* w, fftw_complex* out) {
    advection_of(w);
    for_each_rhs([out](std::size_t k, double fre, double fim) {
      out[k][0] = fre;
      out[k][1] = fim;
    });
  }

  // ω̂ ← [(1 − a) ω̂_base + dt (c1 F1 + c2 F2)] / (1 + a), a = dt ν 4π²|k|² / 2.
  void cn_update(fftw_complex* out, const fftw_complex* base, double c1, const fftw_complex* f1,
                 double c2, const fftw_complex* f2) const {
    const double dt = p.dt;
    for (std::size_t k = 0; k < nc; ++k) {
      const double re = cn_num[k] * base[k][0] + dt * (c1 * f1[k][0] + c2 * f2[k][0]);
      const double im = cn_num[k] * base[k][1] + dt * (c1 * f1[k][1] + c2 * f2[k][1]);
      out[k][0] = re * cn_inv_den[k];
      out[k][1] = im * cn_inv_den[k];
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
      for_each_rhs([=](std::size_t k, double fre, double fim) {
        const double re = num[k] * w[k][0] + dt * (1.5 * fre - 0.5 * fp[k][0]);
        const double im = num[k] * w[k][1] + dt * (1.5 * fim - 0.5 * fp[k][1]);
        w[k][0] = re * den[k];
        w[k][1] = im * den[k];
        fp[k][0] = fre;
        fp[k][1] = fim;
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
  std::copy(omega.begin(), omega.end(), s.real.get());
  s.forward(s.real.get(), s.w_hat.get());
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
  s.pack_pairs(s.w_hat.get());  // z1 = u + i v (z2, the gradient, is not needed here)
  fftw_execute(s.inv_pairs.get());
  u.resize(s.nr);
  v.resize(s.nr);
  for (int j = 0; j < s.n; ++j)
    for (int i = 0; i < s.n; ++i) {
      const fftw_complex& z = s.pairs[static_cast<std::size_t>(j) * s.ls + i];
      u[static_cast<std::size_t>(j) * s.n + i] = z[0];
      v[static_cast<std::size_t>(j) * s.n + i] = z[1];
    }
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
