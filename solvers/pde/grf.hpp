// Gaussian random fields for the PDE data generators, and the portable random numbers under them.
//
// Random numbers: Philox4x32-10 (Salmon et al., SC'11, the Random123 generator), a counter-based
// generator. The standard normal number j of sample i under seed s is a pure function of
// (s, i, j): key = s, counter = (j/2, i) as two 64-bit words, and Box–Muller on the 128-bit output.
// So a sample does not depend on which MPI rank makes it, nor on which samples were made before;
// the integer part is bitwise portable (checked against the Random123 known-answer vectors), the
// Box–Muller step uses log/sqrt/cos/sin from the C library (glibc's are correctly rounded here).
//
// Fields (mean zero, the constant mode removed), covariance C = scale² (−Δ + τ² I)^(−α):
//   periodic on the unit torus: ω(x) = Σ_k ŵ_k e^{2πi k·x}, Var ŵ_k = scale² (4π²|k|² + τ²)^(−α);
//   Neumann on [0, 1]²:         g(x) = Σ_k ξ_k √λ_k φ_k1(x) φ_k2(y), φ_0 = 1, φ_k = √2 cos(πkx),
//                               λ_k = scale² (π²|k|² + τ²)^(−α), evaluated on the nodes i/(n−1).
// Both are sums over the modes the grid resolves (|k_d| ≤ n/2 periodic, k_d < n Neumann), made
// with FFTW (c2r / DCT-I) under FFTW_ESTIMATE, whose plans are deterministic on a given machine.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace eddyop::solvers {

// Philox4x32-10: four 32-bit outputs for a 128-bit counter and a 64-bit key.
std::array<std::uint32_t, 4> philox4x32_10(std::array<std::uint32_t, 4> counter,
                                           std::array<std::uint32_t, 2> key);

// Standard normal number j of sample `sample` under `seed` (see the file comment).
double standard_normal(std::uint64_t seed, std::uint64_t sample, std::uint64_t j);

struct GrfParams {
  double alpha = 2.0;  // smoothness exponent
  double tau = 3.0;    // inverse length scale
  double scale = 1.0;  // amplitude; the variance of a mode is scale² (…)^(−α)
};

// Validates alpha > 0, tau > 0, scale > 0; `component` prefixes the error ("ns2d", ...).
void validate(const GrfParams& p, const char* component);

// Variance of the periodic mode with |k|² = k2 (k in cycles per unit length), 0 for k2 = 0.
double grf_periodic_variance(const GrfParams& p, double k2);

// out: (n), x_i = i/n.  n even, ≥ 2.
std::vector<double> grf_periodic_1d(const GrfParams& p, int n, std::uint64_t seed,
                                    std::uint64_t sample);
// out: (n, n), index [j][i] = ω(x_i, y_j), x fastest, x_i = i/n.  n even, ≥ 2.
std::vector<double> grf_periodic_2d(const GrfParams& p, int n, std::uint64_t seed,
                                    std::uint64_t sample);
// out: (n, n) on the nodes, index [j][i] = g(x_i, y_j), x_i = i/(n−1).  n ≥ 2.
std::vector<double> grf_neumann_2d(const GrfParams& p, int n, std::uint64_t seed,
                                   std::uint64_t sample);

}  // namespace eddyop::solvers
