// The fast kernels against their slow, obvious twins: GEMM through OpenBLAS (cut into blocks for
// the host pool when large) against three loops, complex GEMM likewise, and the FFT-based
// spectral convolution against a direct DFT of the kept modes.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdio>
#include <random>

#include "core/tensor/gemm.hpp"
#include "operators/fourier_layer.hpp"
#include "operators/gelu_math.hpp"
#include "operators/host_loop.hpp"
#include "operators/ops.hpp"

namespace {

using namespace eddyop;
using tensor::Index;
using tensor::Shape;
using tensor::Trans;

template <class T>
std::vector<T> random(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(u(rng));
  return v;
}

TEST(FastVsSlow, FastFloatErfExpAndGeluMatchLibm) {
  // The vectorisable float erf/exp/GELU against libm in double: a few float ulps everywhere.
  double worst_erf = 0, worst_exp = 0, worst_gelu = 0, worst_dgelu = 0;
  for (int i = -200000; i <= 200000; ++i) {
    const float x = static_cast<float>(i) * 5e-5f;  // [-10, 10]
    const double xd = x;
    const double erf_ref = std::erf(xd);
    worst_erf =
        std::max(worst_erf, std::abs(static_cast<double>(ops::detail::erf_fast(x)) - erf_ref) /
                                std::max(std::abs(erf_ref), 1e-30));
    const float xe = x * 8.0f;  // [-80, 80]
    worst_exp = std::max(
        worst_exp, std::abs(static_cast<double>(ops::detail::exp_fast(xe)) - std::exp(double{xe})) /
                       std::exp(double{xe}));
    const double phi = 0.5 * (1 + std::erf(xd / std::sqrt(2.0)));
    const double gelu = xd * phi;
    const double dgelu = phi + xd * std::exp(-0.5 * xd * xd) / std::sqrt(2 * M_PI);
    // Relative to the scale of the rounding that x (1 + erf) / 2 already has in float with libm's
    // erff (|x| for gelu, 1 for its derivative): the tails are in fact more accurate than that.
    worst_gelu =
        std::max(worst_gelu, std::abs(static_cast<double>(ops::detail::gelu_value(x)) - gelu) /
                                 std::max(std::abs(xd), 1e-30));
    worst_dgelu = std::max(worst_dgelu,
                           std::abs(static_cast<double>(ops::detail::gelu_derivative(x)) - dgelu));
  }
  const double ulp = std::ldexp(1.0, -23);
  EXPECT_LT(worst_erf, 4 * ulp);
  EXPECT_LT(worst_exp, 4 * ulp);
  EXPECT_LT(worst_gelu, 8 * ulp);
  EXPECT_LT(worst_dgelu, 8 * ulp);
  std::printf("fast float erf %.2f ulp, exp %.2f ulp, gelu %.2f ulp, gelu' %.2f ulp\n",
              worst_erf / ulp, worst_exp / ulp, worst_gelu / ulp, worst_dgelu / ulp);
}

TEST(FastVsSlow, FloatRowMajorGemmGoesToVendorBlas) {
  // The KokkosKernels TPL specialisation for row-major float exists in this build: GEMMs reach
  // OpenBLAS, not KokkosKernels' own loops.
  EXPECT_TRUE(tensor::gemm_uses_vendor_blas<float>());
  EXPECT_TRUE(tensor::gemm_uses_vendor_blas<double>());
}

TEST(FastVsSlow, GemmMatchesLoopsForEveryTransposeAndOddSizes) {
  for (auto ta : {Trans::no, Trans::yes})
    for (auto tb : {Trans::no, Trans::yes})
      for (auto [M, N, K] : {std::tuple<Index, Index, Index>{1, 1, 1}, {7, 5, 3}, {33, 17, 65}}) {
        auto a = random<float>(static_cast<std::size_t>(M * K), 1);
        auto b = random<float>(static_cast<std::size_t>(K * N), 2);
        auto c = random<float>(static_cast<std::size_t>(M * N), 3);
        auto ref = c;
        tensor::gemm(c.data(), a.data(), b.data(), M, N, K, ta, tb, 1.5f, 0.5f);
        tensor::gemm_reference(ref.data(), a.data(), b.data(), M, N, K, ta, tb, 1.5f, 0.5f);
        // float accumulation over K <= 65 terms of size 1: a few ulps of sqrt(K).
        for (std::size_t i = 0; i < c.size(); ++i) ASSERT_NEAR(c[i], ref[i], 2e-5f * K);
      }
}

// Large batched GEMMs are cut into blocks of C for the host pool (gemm.cpp: above 2^19
// multiply-adds, on a one-thread Kokkos): by batch entry, by rows, by columns, and by rows of a C
// shared by the batch (a weight gradient summed over samples). Each cut, on 2 and 3 threads
// (uneven parts), for every transpose and beta, against the loops.
TEST(FastVsSlow, SplitBatchedGemmMatchesLoopsOnEveryCut) {
  struct Case {
    Index M, N, K, batch;
    bool shared_a, shared_c;  // one A for every entry (a weight); one C summed over the batch
  };
  // batch split; rows of a shared C; columns (N > M) of one C; a single row (M = 1) cut by
  // columns; a single column (N = 1) cut by rows; too few rows to cut (M = 1, N = 1, large K).
  const std::vector<Case> cases{{33, 65, 67, 5, 1, true},   {41, 23, 600, 3, 0, false},
                                {9, 301, 197, 1, 1, false}, {1, 1000, 600, 2, 1, false},
                                {700, 1, 800, 1, 1, false}, {1, 1, 600000, 1, 1, false}};
  for (int threads : {2, 3}) {
    ops::set_host_threads(threads);
    for (const auto& k : cases)
      for (auto ta : {Trans::no, Trans::yes})
        for (auto tb : {Trans::no, Trans::yes})
          for (float beta : {0.0f, 0.5f}) {
            if (k.shared_c && beta == 0.0f) continue;  // a shared C only accumulates
            const Index sc = k.shared_c ? 0 : k.M * k.N, sa = k.shared_a ? 0 : k.M * k.K;
            auto a =
                random<float>(static_cast<std::size_t>(k.M * k.K * (k.shared_a ? 1 : k.batch)), 7);
            auto b = random<float>(static_cast<std::size_t>(k.K * k.N * k.batch), 8);
            auto c = random<float>(static_cast<std::size_t>(k.M * k.N * (sc ? k.batch : 1)), 9);
            auto ref = c;
            tensor::gemm_batched(c.data(), a.data(), b.data(), k.M, k.N, k.K, ta, tb, 1.5f, beta,
                                 k.batch, sc, sa, k.K * k.N);
            for (Index i = 0; i < k.batch; ++i)
              tensor::gemm_reference(ref.data() + i * sc, a.data() + i * sa,
                                     b.data() + i * k.K * k.N, k.M, k.N, k.K, ta, tb, 1.5f, beta);
            // float sums of K (times batch for a shared C) terms of size 1: ulps of sqrt(terms).
            const float tol = 2e-6f * std::sqrt(static_cast<float>(k.K * k.batch)) * 10;
            for (std::size_t i = 0; i < c.size(); ++i)
              ASSERT_NEAR(c[i], ref[i], tol) << "threads " << threads << " case M=" << k.M
                                             << " N=" << k.N << " K=" << k.K << " entry " << i;
          }
  }
  ops::set_host_threads(1);
}

TEST(FastVsSlow, SplitComplexGemmMatchesLoopsOverModes) {
  // The spectral mixing's shape: one small GEMM per kept mode, cut by mode (batch entry).
  const Index M = 3, N = 32, K = 32, batch = 300;
  for (int threads : {2, 3}) {
    ops::set_host_threads(threads);
    for (auto ta : {Trans::no, Trans::conj})
      for (auto tb : {Trans::no, Trans::conj})
        for (float beta : {0.0f, 1.0f}) {
          auto a = random<float>(static_cast<std::size_t>(2 * M * K * batch), 4);
          auto b = random<float>(static_cast<std::size_t>(2 * K * N * batch), 5);
          auto c = random<float>(static_cast<std::size_t>(2 * M * N * batch), 6);
          auto ref = c;
          tensor::cgemm_batched(c.data(), a.data(), b.data(), M, N, K, ta, tb, beta, batch,
                                2 * M * N, 2 * M * K, 2 * K * N);
          for (Index i = 0; i < batch; ++i)
            tensor::cgemm_reference(ref.data() + 2 * M * N * i, a.data() + 2 * M * K * i,
                                    b.data() + 2 * K * N * i, M, N, K, ta, tb, beta);
          for (std::size_t i = 0; i < c.size(); ++i) ASSERT_NEAR(c[i], ref[i], 1e-5f * K);
        }
  }
  ops::set_host_threads(1);
}

TEST(FastVsSlow, ComplexGemmMatchesLoopsWithConjugates) {
  for (auto ta : {Trans::no, Trans::conj})
    for (auto tb : {Trans::no, Trans::conj}) {
      const Index M = 5, N = 3, K = 7, batch = 2;
      auto a = random<float>(static_cast<std::size_t>(2 * M * K * batch), 4);
      auto b = random<float>(static_cast<std::size_t>(2 * K * N * batch), 5);
      auto c = random<float>(static_cast<std::size_t>(2 * M * N * batch), 6);
      auto ref = c;
      tensor::cgemm_batched(c.data(), a.data(), b.data(), M, N, K, ta, tb, 1.0f, batch, 2 * M * N,
                            2 * M * K, 2 * K * N);
      for (Index i = 0; i < batch; ++i)
        tensor::cgemm_reference(ref.data() + 2 * M * N * i, a.data() + 2 * M * K * i,
                                b.data() + 2 * K * N * i, M, N, K, ta, tb, 1.0f);
      for (std::size_t i = 0; i < c.size(); ++i) ASSERT_NEAR(c[i], ref[i], 1e-5f * K);
    }
}

// y = Re(sum over kept modes of c_k Y[k] e^{ikx}) / N with Y[k] = sum_i W X_i[k]: the textbook
// definition, in double, one mode at a time.
std::vector<double> spectral_conv_direct(const std::vector<float>& x, const std::vector<float>& w,
                                         Index B, Index Cin, Index Cout,
                                         const std::vector<Index>& n, const std::vector<Index>& m) {
  const int d = static_cast<int>(n.size());
  Index N = 1;
  for (Index v : n) N *= v;
  std::vector<double> y(static_cast<std::size_t>(B * Cout * N), 0.0);
  const Index blocks = Index{1} << (d - 1);
  Index per = 1;
  for (Index v : m) per *= v;
  auto coords = [&](Index p, std::vector<Index>& c, const std::vector<Index>& sizes) {
    for (int a = d - 1; a >= 0; --a) {
      c[static_cast<std::size_t>(a)] = p % sizes[static_cast<std::size_t>(a)];
      p /= sizes[static_cast<std::size_t>(a)];
    }
  };
  std::vector<Index> k(static_cast<std::size_t>(d)), j(static_cast<std::size_t>(d));
  for (Index blk = 0; blk < blocks; ++blk)
    for (Index q = 0; q < per; ++q) {
      coords(q, k, m);
      for (int a = 0; a + 1 < d; ++a)
        if ((blk >> a) & 1)
          k[static_cast<std::size_t>(a)] +=
              n[static_cast<std::size_t>(a)] - m[static_cast<std::size_t>(a)];
      const Index kl = k.back(), nl = n.back();
      const double ck = (kl == 0 || 2 * kl == nl) ? 1.0 : 2.0;
      const Index mode = blk * per + q;
      auto phase = [&](Index p) {
        coords(p, j, n);
        double t = 0;
        for (int a = 0; a < d; ++a)
          t +=
              2 * M_PI *
              static_cast<double>(k[static_cast<std::size_t>(a)] * j[static_cast<std::size_t>(a)]) /
              static_cast<double>(n[static_cast<std::size_t>(a)]);
        return std::complex<double>(std::cos(t), std::sin(t));
      };
      for (Index b = 0; b < B; ++b) {
        std::vector<std::complex<double>> X(static_cast<std::size_t>(Cin));
        for (Index i = 0; i < Cin; ++i)
          for (Index p = 0; p < N; ++p)
            X[static_cast<std::size_t>(i)] +=
                static_cast<double>(x[static_cast<std::size_t>((b * Cin + i) * N + p)]) *
                std::conj(phase(p));
        for (Index o = 0; o < Cout; ++o) {
          std::complex<double> Y = 0;
          for (Index i = 0; i < Cin; ++i) {
            const std::size_t wi = static_cast<std::size_t>(2 * ((mode * Cin + i) * Cout + o));
            Y += std::complex<double>(w[wi], w[wi + 1]) * X[static_cast<std::size_t>(i)];
          }
          for (Index p = 0; p < N; ++p)
            y[static_cast<std::size_t>((b * Cout + o) * N + p)] +=
                ck * (Y * phase(p)).real() / static_cast<double>(N);
        }
      }
    }
  return y;
}

TEST(FastVsSlow, SpectralConvMatchesDirectDftIn1To3D) {
  struct Case {
    std::vector<Index> n, m;
  };
  for (const auto& c : std::vector<Case>{
           {{9}, {5}}, {{8}, {5}}, {{6, 7}, {3, 3}}, {{5, 8}, {2, 5}}, {{4, 6, 5}, {2, 3, 2}}}) {
    const Index B = 2, Cin = 3, Cout = 2, M = ops::spectral_modes(c.m);
    std::vector<Index> xs{B, Cin};
    xs.insert(xs.end(), c.n.begin(), c.n.end());
    const Shape shape(xs);
    auto xv = random<float>(static_cast<std::size_t>(shape.numel()), 7);
    auto wv = random<float>(static_cast<std::size_t>(M * Cin * Cout * 2), 8);
    auto x = tensor::Tensor::zeros(shape), w = tensor::Tensor::zeros(Shape{M, Cin, Cout, 2});
    tensor::from_host(x, xv);
    tensor::from_host(w, wv);
    tensor::Tape<float> tape(false);
    auto y = tensor::to_host(ops::spectral_conv(tape, tape.input(x), tape.input(w), c.m)->value);
    const auto ref = spectral_conv_direct(xv, wv, B, Cin, Cout, c.n, c.m);
    // float FFTs of <= 120 points with O(1) data: errors ~1e-6 relative to the O(Cin) values.
    for (std::size_t i = 0; i < y.size(); ++i) ASSERT_NEAR(y[i], ref[i], 2e-5) << i;
  }
}

// The FNO's fused ops (float, host_for on two threads with the AVX2 path where the CPU has it)
// against the composition of the plain ops they replace: value and every gradient.
TEST(FastVsSlow, FusedFnoOpsMatchComposedOpsOnTwoThreads) {
  using tensor::Tape;
  using tensor::Tensor;
  using tensor::Var;
  ops::set_host_threads(2);
  auto input = [](Tape<float>& tape, const Shape& s, unsigned seed) {
    auto t = Tensor::zeros(s);
    tensor::from_host(t, random<float>(static_cast<std::size_t>(s.numel()), seed));
    return tape.input(t, true);
  };
  auto compare = [](const Tensor& a, const Tensor& b, float tol, const char* what) {
    const auto x = tensor::to_host(a), y = tensor::to_host(b);
    ASSERT_EQ(x.size(), y.size());
    for (std::size_t i = 0; i < x.size(); ++i) ASSERT_NEAR(x[i], y[i], tol) << what << " " << i;
  };
  // The projection: 2 samples of 600 points (chunks of 256: two full, one partial), 2 outputs.
  {
    const Index B = 2, Cin = 5, Ch = 7, Cout = 2, P = 600;
    Tape<float> fused, plain;
    std::vector<Var<float>> vf, vp;
    const std::vector<Shape> shapes{Shape{B, Cin, P}, Shape{Ch, Cin}, Shape{Ch}, Shape{Cout, Ch},
                                    Shape{Cout}};
    for (std::size_t i = 0; i < shapes.size(); ++i) {
      vf.push_back(input(fused, shapes[i], 20 + static_cast<unsigned>(i)));
      vp.push_back(input(plain, shapes[i], 20 + static_cast<unsigned>(i)));
    }
    auto yf = ops::projection(fused, vf[0], vf[1], vf[2], vf[3], vf[4]);
    auto yp = ops::pointwise_conv(
        plain, ops::gelu(plain, ops::pointwise_conv(plain, vp[0], vp[1], vp[2])), vp[3], vp[4]);
    compare(yf->value, yp->value, 1e-5f, "y");
    auto dy = Tensor::zeros(yf->shape());
    tensor::from_host(dy, random<float>(static_cast<std::size_t>(dy.numel()), 30));
    fused.backward(yf, dy);
    plain.backward(yp, dy);
    // Gradients sum up to B * P = 1200 terms of O(1): float rounding ~1e-4 of that scale.
    for (std::size_t i = 0; i < vf.size(); ++i) compare(vf[i]->grad, vp[i]->grad, 2e-3f, "grad");
  }
  // The Fourier layer with GELU: spectral_conv + pointwise_conv, then gelu.
  {
    const Index B = 3, C = 4;
    const std::vector<Index> modes{3, 4};
    const Index M = ops::spectral_modes(modes);
    Tape<float> fused, plain;
    std::vector<Var<float>> vf, vp;
    const std::vector<Shape> shapes{Shape{B, C, 8, 10}, Shape{M, C, C, 2}, Shape{C, C}, Shape{C}};
    for (std::size_t i = 0; i < shapes.size(); ++i) {
      vf.push_back(input(fused, shapes[i], 40 + static_cast<unsigned>(i)));
      vp.push_back(input(plain, shapes[i], 40 + static_cast<unsigned>(i)));
    }
    auto yf = ops::fourier_layer(fused, vf[0], vf[1], vf[2], vf[3], modes, true);
    auto yp = ops::gelu(plain, ops::add(plain, ops::spectral_conv(plain, vp[0], vp[1], modes),
                                        ops::pointwise_conv(plain, vp[0], vp[2], vp[3])));
    compare(yf->value, yp->value, 1e-5f, "y");
    auto dy = Tensor::zeros(yf->shape());
    tensor::from_host(dy, random<float>(static_cast<std::size_t>(dy.numel()), 50));
    fused.backward(yf, dy);
    plain.backward(yp, dy);
    for (std::size_t i = 0; i < vf.size(); ++i) compare(vf[i]->grad, vp[i]->grad, 1e-3f, "grad");
  }
  ops::set_host_threads(1);
}

}  // namespace
