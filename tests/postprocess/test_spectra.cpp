// Spectra of analytic fields: single modes land in their bin with their energy, a power law is
// recovered, Parseval's identity holds, and FFTW agrees with the direct DFT.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "postprocess/spectra.hpp"
#include "tests/postprocess/helpers.hpp"

namespace pp = eddyop::postprocess;

namespace {

constexpr double kPi = 3.14159265358979323846;

std::size_t idx(std::size_t c, std::size_t i, std::size_t j, std::size_t k, std::size_t nx,
                std::size_t ny, std::size_t nz) {
  return ((c * nx + i) * ny + j) * nz + k;
}

double plane_variance(const std::vector<double>& f, std::size_t t_c, std::size_t j, std::size_t nx,
                      std::size_t ny, std::size_t nz) {
  double mean = 0.0, sq = 0.0;
  for (std::size_t i = 0; i < nx; ++i)
    for (std::size_t k = 0; k < nz; ++k) mean += f[idx(t_c, i, j, k, nx, ny, nz)];
  mean /= static_cast<double>(nx * nz);
  for (std::size_t i = 0; i < nx; ++i)
    for (std::size_t k = 0; k < nz; ++k) {
      const double d = f[idx(t_c, i, j, k, nx, ny, nz)] - mean;
      sq += d * d;
    }
  return sq / static_cast<double>(nx * nz);
}

}  // namespace

TEST(LineSpectra, SingleStreamwiseModeLandsInItsBinWithHalfTheSquaredAmplitude) {
  const std::size_t nx = 16, ny = 5, nz = 12, m0 = 3;
  const double lx = 4 * kPi, lz = 2.0, amp = 1.7;
  const auto grid = pp::channel_grid(nx, nz, lx, lz, eddyop::test::stretched_y(ny));
  std::vector<double> u(nx * ny * nz);
  for (std::size_t i = 0; i < nx; ++i)
    for (std::size_t j = 0; j < ny; ++j)
      for (std::size_t k = 0; k < nz; ++k)
        u[idx(0, i, j, k, nx, ny, nz)] = 5.0 + amp * std::cos(2 * kPi * m0 * i / nx + 0.4);

  const auto sx = pp::line_spectra(grid, u, 1, 1, 0, {2}, false, 0.0);
  ASSERT_EQ(sx.size(), 1u);
  ASSERT_EQ(sx[0].k.size(), nx / 2 + 1);
  EXPECT_NEAR(sx[0].dk, 0.5, 1e-14);
  EXPECT_NEAR(sx[0].k[m0], m0 * 0.5, 1e-14);
  for (std::size_t m = 0; m < sx[0].k.size(); ++m)
    EXPECT_NEAR(sx[0].energy[m], m == m0 ? amp * amp / 2 : 0.0, 1e-12) << "k index " << m;

  // Along z the same field is constant on each line: all of its energy is at k_z = 0.
  const auto sz = pp::line_spectra(grid, u, 1, 1, 2, {2}, false, 0.0);
  EXPECT_NEAR(sz[0].energy[0], amp * amp / 2, 1e-12);
  for (std::size_t m = 1; m < sz[0].k.size(); ++m) EXPECT_NEAR(sz[0].energy[m], 0.0, 1e-12);
}

TEST(LineSpectra, NyquistModeIsCountedOnce) {
  const std::size_t nx = 4, ny = 3, nz = 8;
  const auto grid = pp::channel_grid(nx, nz, 1.0, 1.0, {0.0, 1.0, 2.0});
  std::vector<double> u(nx * ny * nz);
  for (std::size_t i = 0; i < nx; ++i)
    for (std::size_t j = 0; j < ny; ++j)
      for (std::size_t k = 0; k < nz; ++k) u[idx(0, i, j, k, nx, ny, nz)] = (k % 2 ? -2.0 : 2.0);
  const auto s = pp::line_spectra(grid, u, 1, 1, 2, {1}, false, 0.0);
  EXPECT_NEAR(s[0].energy[nz / 2], 4.0, 1e-12);
  EXPECT_NEAR(std::accumulate(s[0].energy.begin(), s[0].energy.end(), 0.0), 4.0, 1e-12);
}

TEST(LineSpectra, ParsevalHoldsForRandomFieldsOddAndEvenSizesAveragedOverSamples) {
  for (std::size_t nx : {15u, 16u}) {
    const std::size_t ny = 7, nz = 9, nt = 3, nc = 2;
    const auto grid = pp::channel_grid(nx, nz, 2.0, 1.0, eddyop::test::stretched_y(ny));
    const auto f = eddyop::test::random_values(nt * nc * nx * ny * nz, 7);
    for (int axis : {0, 2}) {
      const auto s = pp::line_spectra(grid, f, nt, nc, axis, {1, 3, 5}, true, 0.0);
      for (const auto& sp : s) {
        ASSERT_EQ(sp.j.size(), sp.j[0] == 3 ? 1u : 2u);
        for (std::size_t c = 0; c < nc; ++c) {
          double expect = 0.0;
          for (std::size_t j : sp.j)
            for (std::size_t t = 0; t < nt; ++t)
              expect += plane_variance(f, t * nc + c, j, nx, ny, nz);
          expect /= static_cast<double>(nt * sp.j.size());
          const std::size_t nk = sp.k.size();
          const double sum =
              std::accumulate(sp.energy.begin() + c * nk, sp.energy.begin() + (c + 1) * nk, 0.0);
          EXPECT_NEAR(sum, expect, 1e-13 * expect) << "nx " << nx << " axis " << axis;
        }
      }
    }
  }
}

TEST(LineSpectra, FftwAgreesWithTheDirectDft) {
  for (std::size_t n : {1u, 2u, 7u, 8u, 33u}) {
    const std::size_t ny = 3;
    const auto grid = pp::channel_grid(n, 1, 3.0, 1.0, {0.0, 0.5, 1.0});
    auto f = eddyop::test::random_values(n * ny, 11 + static_cast<unsigned>(n));
    const auto s = pp::line_spectra(grid, f, 1, 1, 0, {1}, false, 0.0);
    std::vector<double> line(n);
    double mean = 0.0;
    for (std::size_t i = 0; i < n; ++i) mean += f[i * ny + 1] / static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i) line[i] = f[i * ny + 1] - mean;
    const auto direct = pp::line_spectrum_direct(line);
    ASSERT_EQ(direct.size(), s[0].energy.size());
    for (std::size_t m = 0; m < direct.size(); ++m)
      EXPECT_NEAR(s[0].energy[m], direct[m], 1e-13) << "n " << n << " m " << m;
  }
}

TEST(LineSpectra, KnownPowerLawIsRecovered) {
  // u(x) = Σ_m a_m cos(2π m x / L + φ_m) with a_m² / 2 = m^(-5/3): E(k_m) = m^(-5/3) exactly.
  const std::size_t nx = 64, ny = 3, nz = 4;
  const auto grid = pp::channel_grid(nx, nz, 2 * kPi, 1.0, {0.0, 1.0, 2.0});
  std::vector<double> u(nx * ny * nz, 0.0);
  const auto phases = eddyop::test::random_values(nx, 3);
  for (std::size_t m = 1; m < nx / 2; ++m) {
    const double a = std::sqrt(2.0 * std::pow(static_cast<double>(m), -5.0 / 3.0));
    for (std::size_t i = 0; i < nx; ++i)
      for (std::size_t j = 0; j < ny; ++j)
        for (std::size_t k = 0; k < nz; ++k)
          u[idx(0, i, j, k, nx, ny, nz)] += a * std::cos(2 * kPi * m * i / nx + phases[m]);
  }
  const auto s = pp::line_spectra(grid, u, 1, 1, 0, {1}, false, 0.0);
  double sx = 0, sy = 0, sxx = 0, sxy = 0, n = 0;
  for (std::size_t m = 1; m < nx / 2; ++m) {
    EXPECT_NEAR(s[0].energy[m], std::pow(static_cast<double>(m), -5.0 / 3.0), 1e-12);
    const double lx = std::log(s[0].k[m]), ly = std::log(s[0].energy[m]);
    sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly, n += 1;
  }
  EXPECT_NEAR((n * sxy - sx * sy) / (n * sxx - sx * sx), -5.0 / 3.0, 1e-10);
}

TEST(LineSpectra, PlanesAreChosenByWallDistance) {
  const auto grid = pp::channel_grid(4, 4, 1.0, 1.0, {0.0, 0.1, 0.3, 1.0, 1.7, 1.9, 2.0});
  const auto j = pp::planes_at_wall_distance(grid, {0.12, 0.9}, 0.0);
  EXPECT_EQ(j, (std::vector<std::size_t>{1, 3}));
}

TEST(LineSpectra, MismatchedFieldShapeIsAnErrorNamingTheShape) {
  const auto grid = pp::channel_grid(8, 4, 1.0, 1.0, {0.0, 1.0, 2.0});
  std::vector<double> wrong(8 * 3 * 5);
  try {
    pp::line_spectra(grid, wrong, 1, 1, 0, {1}, false, 0.0);
    FAIL() << "no error";
  } catch (const eddyop::Error& e) {
    EXPECT_NE(std::string(e.what()).find("(nt, C, nx, ny, nz)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("96"), std::string::npos) << e.what();
  }
  std::vector<double> ok(8 * 3 * 4);
  EXPECT_THROW(pp::line_spectra(grid, ok, 1, 1, 1, {1}, false, 0.0), eddyop::Error);
  EXPECT_THROW(pp::line_spectra(grid, ok, 1, 1, 0, {3}, false, 0.0), eddyop::Error);
}

TEST(ShellSpectrum, SingleModeInA3DBoxLandsInItsShell) {
  const std::size_t n = 16;
  const double l = 2 * kPi;
  const auto grid = pp::periodic_box({n, n, n}, {l, l, l});
  std::vector<double> u(3 * n * n * n, 0.0);
  // u = A cos(3x + 4y) (|k| = 5), w = B sin(2z) (|k| = 2)
  const double a = 0.8, b = 1.3;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t k = 0; k < n; ++k) {
        const double x = l * i / n, y = l * j / n, z = l * k / n;
        u[idx(0, i, j, k, n, n, n)] = a * std::cos(3 * x + 4 * y);
        u[idx(2, i, j, k, n, n, n)] = b * std::sin(2 * z) + 10.0;
      }
  const auto s = pp::shell_spectrum(grid, u, 1, 3);
  EXPECT_NEAR(s.dk, 1.0, 1e-14);
  for (std::size_t bin = 0; bin < s.k.size(); ++bin) {
    const double expect = bin == 5 ? a * a / 2 : (bin == 2 ? b * b / 2 : 0.0);
    EXPECT_NEAR(s.energy[bin], expect, 1e-12) << "shell " << bin;
  }
  EXPECT_EQ(s.modes[0], 1u);
  EXPECT_EQ(s.modes[1], 18u);  // |k| = 1 (6 modes) and |k| = √2 (12 modes) round to shell 1
}

TEST(ShellSpectrum, ParsevalHoldsIn2DAnd3DBoxesWithUnequalSides) {
  struct Case {
    std::array<std::size_t, 3> n;
    std::array<double, 3> l;
  };
  for (const auto& c : {Case{{12, 9, 1}, {2.0, 1.0, 1.0}}, Case{{8, 6, 5}, {4.0, 2.0, 3.0}}}) {
    const auto grid = pp::periodic_box(c.n, c.l);
    const std::size_t np = grid.points(), nt = 2, nc = 2;
    const auto f = eddyop::test::random_values(nt * nc * np, 5);
    double expect = 0.0;
    for (std::size_t tc = 0; tc < nt * nc; ++tc) {
      double mean = 0.0, sq = 0.0;
      for (std::size_t p = 0; p < np; ++p) mean += f[tc * np + p] / static_cast<double>(np);
      for (std::size_t p = 0; p < np; ++p) sq += (f[tc * np + p] - mean) * (f[tc * np + p] - mean);
      expect += sq / static_cast<double>(np) / static_cast<double>(nt);
    }
    const auto s = pp::shell_spectrum(grid, f, nt, nc);
    EXPECT_NEAR(std::accumulate(s.energy.begin(), s.energy.end(), 0.0), expect, 1e-13 * expect);
    EXPECT_EQ(std::accumulate(s.modes.begin(), s.modes.end(), std::size_t{0}), np);
    EXPECT_NEAR(s.dk, 2 * kPi / (c.n[2] == 1 ? 2.0 : 4.0), 1e-14);
  }
}

TEST(ShellSpectrum, KnownPowerLawIsRecoveredIn2D) {
  // Modes on the axes only (k = (m, 0) and (0, m)): shell m holds exactly the energy put in.
  const std::size_t n = 64;
  const auto grid = pp::periodic_box({n, n, 1}, {2 * kPi, 2 * kPi, 1.0});
  std::vector<double> u(n * n, 0.0);
  for (std::size_t m = 1; m < n / 2; ++m) {
    const double e = std::pow(static_cast<double>(m), -3.0);  // half along x, half along y
    const double a = std::sqrt(e);                            // a²/2 + a²/2 = e
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j)
        u[i * n + j] +=
            a * (std::cos(2 * kPi * m * i / n + 0.3 * m) + std::cos(2 * kPi * m * j / n + 0.7 * m));
  }
  const auto s = pp::shell_spectrum(grid, u, 1, 1);
  double sx = 0, sy = 0, sxx = 0, sxy = 0, cnt = 0;
  for (std::size_t m = 1; m < n / 2; ++m) {
    EXPECT_NEAR(s.energy[m], std::pow(static_cast<double>(m), -3.0), 1e-12);
    const double lx = std::log(s.k[m]), ly = std::log(s.energy[m]);
    sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly, cnt += 1;
  }
  EXPECT_NEAR((cnt * sxy - sx * sy) / (cnt * sxx - sx * sx), -3.0, 1e-10);
}

TEST(ShellSpectrum, ChannelGridIsRejected) {
  const auto grid = pp::channel_grid(4, 4, 1.0, 1.0, {0.0, 1.0, 2.0});
  std::vector<double> f(grid.points());
  EXPECT_THROW(pp::shell_spectrum(grid, f, 1, 1), eddyop::Error);
}

TEST(ShellSpectrum, SingleModeInA2DBoxWithUnequalSidesLandsInItsShell) {
  // Lx = 2π, Ly = π: dk = 1; u = A cos(3x + 4y) has k = (3, 4), |k| = 5, mean(u²) = A²/2.
  const std::size_t nx = 24, ny = 16;
  const auto grid = pp::periodic_box({nx, ny, 1}, {2 * kPi, kPi, 1.0});
  std::vector<double> u(nx * ny);
  const double a = 0.7;
  for (std::size_t i = 0; i < nx; ++i)
    for (std::size_t j = 0; j < ny; ++j)
      u[i * ny + j] = a * std::cos(3 * (2 * kPi * i / nx) + 4 * (kPi * j / ny)) + 3.0;
  const auto s = pp::shell_spectrum(grid, u, 1, 1);
  EXPECT_NEAR(s.dk, 1.0, 1e-14);
  for (std::size_t b = 0; b < s.k.size(); ++b)
    EXPECT_NEAR(s.energy[b], b == 5 ? a * a / 2 : 0.0, 1e-12) << "shell " << b;
  EXPECT_EQ(std::accumulate(s.modes.begin(), s.modes.end(), std::size_t{0}), nx * ny);
}

TEST(ShellEnergyFromVorticity, StreamFunctionModesGiveTheEnergyOfTheirVelocity) {
  // ψ = A sin(3x + 4y) + B cos(x) on the 2π box: ω = -∇²ψ = 25 A sin(3x + 4y) + B cos(x),
  // u = ∂ψ/∂y = 4A cos(3x + 4y), v = -∂ψ/∂x = -3A cos(3x + 4y) + B sin(x).
  // Shell 5 holds (16 + 9) A²/2, shell 1 holds B²/2, and Σ E = mean(u² + v²) (Parseval).
  const std::size_t n = 32;
  const auto grid = pp::periodic_box({n, n, 1}, {2 * kPi, 2 * kPi, 1.0});
  const double a = 0.3, b = 1.1;
  std::vector<double> w(n * n);
  double energy = 0.0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      const double x = 2 * kPi * i / n, y = 2 * kPi * j / n;
      w[i * n + j] = 25 * a * std::sin(3 * x + 4 * y) + b * std::cos(x);
      const double u = 4 * a * std::cos(3 * x + 4 * y);
      const double v = -3 * a * std::cos(3 * x + 4 * y) + b * std::sin(x);
      energy += (u * u + v * v) / static_cast<double>(n * n);
    }
  const auto s = pp::shell_energy_from_vorticity(grid, w, 1);
  for (std::size_t bin = 0; bin < s.k.size(); ++bin) {
    const double expect = bin == 5 ? 25 * a * a / 2 : (bin == 1 ? b * b / 2 : 0.0);
    EXPECT_NEAR(s.energy[bin], expect, 1e-12) << "shell " << bin;
  }
  EXPECT_NEAR(std::accumulate(s.energy.begin(), s.energy.end(), 0.0), energy, 1e-12);
}

TEST(ShellEnergyFromVorticity, ABoxThatIsNotTwoDimensionalIsRefused) {
  const auto grid = pp::periodic_box({4, 4, 4}, {1.0, 1.0, 1.0});
  std::vector<double> f(grid.points(), 0.0);
  try {
    pp::shell_energy_from_vorticity(grid, f, 1);
    FAIL() << "a 3-D box was accepted";
  } catch (const eddyop::Error& e) {
    EXPECT_NE(std::string(e.what()).find("2-D box"), std::string::npos) << e.what();
  }
}
