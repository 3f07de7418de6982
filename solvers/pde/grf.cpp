#include "solvers/pde/grf.hpp"

#include <cmath>
#include <complex>

#include "core/error.hpp"
#include "solvers/pde/fftw_buffer.hpp"

namespace eddyop::solvers {

namespace {

constexpr double kPi = 3.14159265358979323846;

std::uint32_t mulhilo(std::uint32_t a, std::uint32_t b, std::uint32_t& hi) {
  const std::uint64_t p = static_cast<std::uint64_t>(a) * b;
  hi = static_cast<std::uint32_t>(p >> 32);
  return static_cast<std::uint32_t>(p);
}

// A double in (0, 1) from the top 53 bits of a 64-bit word; never 0, so log() is finite.
double open_unit(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t w = (static_cast<std::uint64_t>(hi) << 32) | lo;
  return (static_cast<double>(w >> 11) + 0.5) * 0x1.0p-53;
}

}  // namespace

std::array<std::uint32_t, 4> philox4x32_10(std::array<std::uint32_t, 4> c,
                                           std::array<std::uint32_t, 2> k) {
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k[0] += 0x9E3779B9u;
      k[1] += 0xBB67AE85u;
    }
    std::uint32_t hi0 = 0, hi1 = 0;
    const std::uint32_t lo0 = mulhilo(0xD2511F53u, c[0], hi0);
    const std::uint32_t lo1 = mulhilo(0xCD9E8D57u, c[2], hi1);
    c = {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
  }
  return c;
}

double standard_normal(std::uint64_t seed, std::uint64_t sample, std::uint64_t j) {
  const std::uint64_t pair = j / 2;
  const auto r =
      philox4x32_10({static_cast<std::uint32_t>(pair), static_cast<std::uint32_t>(pair >> 32),
                     static_cast<std::uint32_t>(sample), static_cast<std::uint32_t>(sample >> 32)},
                    {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)});
  const double u1 = open_unit(r[0], r[1]);
  const double u2 = open_unit(r[2], r[3]);
  const double radius = std::sqrt(-2.0 * std::log(u1));
  return (j % 2 == 0) ? radius * std::cos(2.0 * kPi * u2) : radius * std::sin(2.0 * kPi * u2);
}

void validate(const GrfParams& p, const char* component) {
  EDDYOP_CHECK(p.alpha > 0.0, component, "random field alpha = " << p.alpha << " must be > 0");
  EDDYOP_CHECK(p.tau > 0.0, component, "random field tau = " << p.tau << " must be > 0");
  EDDYOP_CHECK(p.scale > 0.0, component, "random field scale = " << p.scale << " must be > 0");
}

double grf_periodic_variance(const GrfParams& p, double k2) {
  if (k2 == 0.0) return 0.0;
  return p.scale * p.scale * std::pow(4.0 * kPi * kPi * k2 + p.tau * p.tau, -p.alpha);
}

namespace {

// Wavenumber of FFT index m on an n-point periodic grid: 0, 1, …, n/2, −n/2+1, …, −1.
int wavenumber(int m, int n) {
  return m <= n / 2 ? m : m - n;
}

void check_grid(int n, bool even, const char* what) {
  EDDYOP_CHECK(n >= 2 && (!even || n % 2 == 0), "grf",
               what << " n = " << n << " must be " << (even ? "even and " : "") << ">= 2");
}

}  // namespace

std::vector<double> grf_periodic_1d(const GrfParams& p, int n, std::uint64_t seed,
                                    std::uint64_t sample) {
  validate(p, "grf");
  check_grid(n, true, "periodic 1D");
  const int nh = n / 2 + 1;
  auto coef = detail::fftw_alloc<fftw_complex>(nh);
  auto field = detail::fftw_alloc<double>(n);
  const detail::Plan plan(fftw_plan_dft_c2r_1d(n, coef.get(), field.get(), FFTW_ESTIMATE));
  for (int q = 0; q < nh; ++q) {
    const double var = grf_periodic_variance(p, static_cast<double>(q) * q);
    // Self-conjugate modes (0 and n/2) are real with the full variance; the others are complex
    // with half the variance in each part, so that ω̂_k and ω̂_−k = conj(ω̂_k) have variance var.
    const bool real_mode = (q == 0 || q == n / 2);
    const double sd = real_mode ? std::sqrt(var) : std::sqrt(0.5 * var);
    coef[q][0] = sd * standard_normal(seed, sample, 2 * static_cast<std::uint64_t>(q));
    coef[q][1] =
        real_mode ? 0.0 : sd * standard_normal(seed, sample, 2 * static_cast<std::uint64_t>(q) + 1);
  }
  fftw_execute(plan.get());
  return std::vector<double>(field.get(), field.get() + n);
}

std::vector<double> grf_periodic_2d(const GrfParams& p, int n, std::uint64_t seed,
                                    std::uint64_t sample) {
  validate(p, "grf");
  check_grid(n, true, "periodic 2D");
  const int nh = n / 2 + 1;
  const std::size_t nc = static_cast<std::size_t>(n) * nh;
  auto coef = detail::fftw_alloc<fftw_complex>(nc);
  auto field = detail::fftw_alloc<double>(static_cast<std::size_t>(n) * n);
  const detail::Plan plan(fftw_plan_dft_c2r_2d(n, n, coef.get(), field.get(), FFTW_ESTIMATE));
  // Row p is k_y, column q is k_x ≥ 0 (the r2c half plane). Columns 0 and n/2 hold both k_y
  // and −k_y, which must be conjugate: row p is drawn for p ≤ n/2 and mirrored for p > n/2.
  for (int pr = 0; pr < n; ++pr) {
    for (int q = 0; q < nh; ++q) {
      const std::size_t m = static_cast<std::size_t>(pr) * nh + q;
      const int ky = wavenumber(pr, n);
      const double var =
          grf_periodic_variance(p, static_cast<double>(ky) * ky + static_cast<double>(q) * q);
      const bool edge_column = (q == 0 || q == n / 2);
      if (edge_column && pr > n / 2) continue;  // filled from its conjugate below
      const bool real_mode = edge_column && (pr == 0 || pr == n / 2);
      const double sd = real_mode ? std::sqrt(var) : std::sqrt(0.5 * var);
      coef[m][0] = sd * standard_normal(seed, sample, 2 * m);
      coef[m][1] = real_mode ? 0.0 : sd * standard_normal(seed, sample, 2 * m + 1);
      if (edge_column && !real_mode) {
        const std::size_t mc = static_cast<std::size_t>(n - pr) * nh + q;
        coef[mc][0] = coef[m][0];
        coef[mc][1] = -coef[m][1];
      }
    }
  }
  fftw_execute(plan.get());
  return std::vector<double>(field.get(), field.get() + static_cast<std::size_t>(n) * n);
}

std::vector<double> grf_neumann_2d(const GrfParams& p, int n, std::uint64_t seed,
                                   std::uint64_t sample) {
  validate(p, "grf");
  check_grid(n, false, "Neumann 2D");
  const std::size_t nn = static_cast<std::size_t>(n) * n;
  auto coef = detail::fftw_alloc<double>(nn);
  auto field = detail::fftw_alloc<double>(nn);
  // DCT-I evaluates Y_j = X_0 + (−1)^j X_{n−1} + 2 Σ_{k=1}^{n−2} X_k cos(πjk/(n−1)), the cosine
  // series on the nodes j/(n−1); the weights turn the orthonormal φ_k into that form.
  const detail::Plan plan(
      fftw_plan_r2r_2d(n, n, coef.get(), field.get(), FFTW_REDFT00, FFTW_REDFT00, FFTW_ESTIMATE));
  const double sqrt2 = std::sqrt(2.0);
  auto weight = [&](int k) { return k == 0 ? 1.0 : (k == n - 1 ? sqrt2 : 0.5 * sqrt2); };
  for (int k2 = 0; k2 < n; ++k2) {
    for (int k1 = 0; k1 < n; ++k1) {
      const std::size_t m = static_cast<std::size_t>(k2) * n + k1;
      const double kk = kPi * kPi * (static_cast<double>(k1) * k1 + static_cast<double>(k2) * k2);
      const double sd =
          (k1 == 0 && k2 == 0) ? 0.0 : p.scale * std::pow(kk + p.tau * p.tau, -0.5 * p.alpha);
      coef[m] = weight(k1) * weight(k2) * sd * standard_normal(seed, sample, m);
    }
  }
  fftw_execute(plan.get());
  return std::vector<double>(field.get(), field.get() + nn);
}

}  // namespace eddyop::solvers
