#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "solvers/pde/grf.hpp"

using namespace eddyop::solvers;

TEST(Philox, MatchesRandom123KnownAnswers) {
  // kat_vectors of Random123 1.09, philox4x32 with 10 rounds.
  using A4 = std::array<std::uint32_t, 4>;
  EXPECT_EQ(philox4x32_10({0, 0, 0, 0}, {0, 0}),
            (A4{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}));
  EXPECT_EQ(philox4x32_10({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
                          {0xffffffffu, 0xffffffffu}),
            (A4{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}));
  EXPECT_EQ(philox4x32_10({0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
                          {0xa4093822u, 0x299f31d0u}),
            (A4{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}));
}

TEST(StandardNormal, HasZeroMeanAndUnitVariance) {
  const int count = 200000;
  double sum = 0.0, sum2 = 0.0;
  for (int j = 0; j < count; ++j) {
    const double z = standard_normal(7, 3, static_cast<std::uint64_t>(j));
    sum += z;
    sum2 += z * z;
  }
  const double mean = sum / count, var = sum2 / count - mean * mean;
  // Standard errors: 1/√N = 0.0022 for the mean, √(2/N) = 0.0032 for the variance; 5σ bounds.
  EXPECT_NEAR(mean, 0.0, 5.0 / std::sqrt(count));
  EXPECT_NEAR(var, 1.0, 5.0 * std::sqrt(2.0 / count));
}

TEST(StandardNormal, DependsOnlyOnSeedSampleAndIndex) {
  const double a = standard_normal(42, 1000, 17);
  for (int j = 0; j < 100; ++j)
    standard_normal(42, 5, static_cast<std::uint64_t>(j));  // other draws
  EXPECT_EQ(a, standard_normal(42, 1000, 17));
  EXPECT_NE(a, standard_normal(42, 1001, 17));
  EXPECT_NE(a, standard_normal(43, 1000, 17));
}

TEST(Grf, SameSeedGivesBitwiseSameFieldAndOtherSampleDiffers) {
  const GrfParams p{2.5, 7.0, 26.0};
  EXPECT_EQ(grf_periodic_1d(p, 64, 11, 2), grf_periodic_1d(p, 64, 11, 2));
  EXPECT_EQ(grf_periodic_2d(p, 32, 11, 2), grf_periodic_2d(p, 32, 11, 2));
  EXPECT_EQ(grf_neumann_2d(p, 33, 11, 2), grf_neumann_2d(p, 33, 11, 2));
  EXPECT_NE(grf_periodic_2d(p, 32, 11, 2), grf_periodic_2d(p, 32, 11, 3));
  EXPECT_NE(grf_neumann_2d(p, 33, 11, 2), grf_neumann_2d(p, 33, 12, 2));
}

TEST(Grf, PeriodicFieldHasThePrescribedPointVariance) {
  // Var ω(x) = Σ_k λ_k over the resolved modes (both signs of k; n/2 counted once).
  const GrfParams p{2.0, 5.0, 25.0};
  const int n = 16, samples = 400;
  double expected = 0.0;
  for (int ky = -n / 2 + 1; ky <= n / 2; ++ky)
    for (int kx = -n / 2 + 1; kx <= n / 2; ++kx)
      expected +=
          grf_periodic_variance(p, static_cast<double>(kx) * kx + static_cast<double>(ky) * ky);
  double sum2 = 0.0;
  for (int s = 0; s < samples; ++s)
    for (double v : grf_periodic_2d(p, n, 5, static_cast<std::uint64_t>(s))) sum2 += v * v;
  const double observed = sum2 / (static_cast<double>(samples) * n * n);
  // The variance is carried by the few lowest modes (λ falls as |k|^-4), so the estimate has about
  // 4 × 400 = 1600 degrees of freedom: relative standard error ≈ √(2/1600) = 3.5%; 5σ ≈ 18%.
  EXPECT_NEAR(observed / expected, 1.0, 0.18);
}

TEST(Grf, NeumannFieldEqualsItsCosineSeriesOnTheNodes) {
  // The DCT-I evaluation against the series summed term by term (the slow, obvious twin).
  const GrfParams p{2.0, 3.0, 3.0};
  const int n = 7;
  const double pi = 3.14159265358979323846;
  const std::vector<double> g = grf_neumann_2d(p, n, 9, 4);
  auto phi = [&](int k, double x) { return k == 0 ? 1.0 : std::sqrt(2.0) * std::cos(pi * k * x); };
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      const double x = static_cast<double>(i) / (n - 1), y = static_cast<double>(j) / (n - 1);
      double sum = 0.0;
      for (int k2 = 0; k2 < n; ++k2)
        for (int k1 = 0; k1 < n; ++k1) {
          if (k1 == 0 && k2 == 0) continue;
          const double lam = std::pow(pi * pi * (k1 * k1 + k2 * k2) + p.tau * p.tau, -p.alpha);
          sum += p.scale * std::sqrt(lam) *
                 standard_normal(9, 4, static_cast<std::uint64_t>(k2 * n + k1)) * phi(k1, x) *
                 phi(k2, y);
        }
      EXPECT_NEAR(g[static_cast<std::size_t>(j) * n + i], sum, 1e-13);
    }
}

TEST(Grf, BadParametersNameTheParameter) {
  try {
    grf_periodic_2d(GrfParams{-1.0, 7.0, 1.0}, 32, 0, 0);
    FAIL() << "no error for alpha < 0";
  } catch (const eddyop::Error& e) {
    EXPECT_NE(std::string(e.what()).find("alpha = -1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(grf_periodic_2d(GrfParams{}, 31, 0, 0), eddyop::Error);
}
