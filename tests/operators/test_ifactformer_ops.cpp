// The ops of IFactFormer against central differences in double precision: rotary embedding,
// GeGLU, and the per-axis kernel contractions (parallel and chained), on odd sizes, size-1 axes
// and several heads and samples, so that every GEMM path (x: batched over d, y: batched over
// (d, x), z: one GEMM) and every offset is exercised. The fused value path (factorized_mix) is
// checked against the same ops composed, and by central differences.
#include <algorithm>
#include <cmath>
#include <string>

#include "operators/host_loop.hpp"
#include "operators/ops.hpp"
#include "tests/operators/gradcheck.hpp"

namespace {

using namespace eddyop;
using eddyop::testing::expect_gradients;
using tensor::Shape;
using tensor::Var;
using V = std::vector<Var<double>>;
using T = tensor::Tape<double>;
using tensor::Index;

TEST(IFactFormerOps, RotaryEmbeddingRotatesHalvesAlongRows) {
  const std::vector<double> pos{0.0, 0.3, 1.7};
  expect_gradients({Shape{2, 3, 3, 6}},
                   [&](T& t, const V& v) { return ops::rotary_embedding(t, v[0], pos, 64.0); });
  expect_gradients({Shape{1, 1, 2}}, [](T& t, const V& v) {
    return ops::rotary_embedding(t, v[0], std::vector<double>{0.5}, 2.0);
  });
}

TEST(IFactFormerOps, RotaryEmbeddingIsARotation) {
  // |y| = |x| per pair, and position 0 leaves x unchanged.
  T tape(false);
  auto x = tensor::TensorT<double>::zeros(Shape{2, 4});
  tensor::from_host(x, {1, 2, 3, 4, 5, 6, 7, 8});
  auto y = tensor::to_host(
      ops::rotary_embedding(tape, tape.input(x), std::vector<double>{0.0, 0.9}, 3.0)->value);
  for (int j = 0; j < 4; ++j) EXPECT_DOUBLE_EQ(y[static_cast<std::size_t>(j)], j + 1.0);
  for (int j = 0; j < 2; ++j) {
    const double a = 5 + j, b = 7 + j;
    const double ya = y[static_cast<std::size_t>(4 + j)], yb = y[static_cast<std::size_t>(6 + j)];
    EXPECT_NEAR(ya * ya + yb * yb, a * a + b * b, 1e-12);
  }
}

TEST(IFactFormerOps, GegluGatesTheSecondHalf) {
  expect_gradients(
      {Shape{3, 2, 10}}, [](T& t, const V& v) { return ops::geglu(t, v[0]); }, 1, -3, 3);
  expect_gradients(
      {Shape{1, 2}}, [](T& t, const V& v) { return ops::geglu(t, v[0]); }, 2, -3, 3);
}

// The contraction against its obvious twin: einsum loops on the host.
TEST(IFactFormerOps, AxisKernelsParallelMatchLoops) {
  const int B = 2, H = 2, D = 3, X = 4, Y = 3, Z = 5;
  std::mt19937 rng(3);
  auto make = [&](Shape s) {
    auto t = tensor::TensorT<double>::zeros(s);
    tensor::from_host(t, eddyop::testing::random_values(static_cast<std::size_t>(s.numel()), rng));
    return t;
  };
  auto kx = make(Shape{B, H, X, X}), ky = make(Shape{B, H, Y, Y}), kz = make(Shape{B, H, Z, Z});
  auto v = make(Shape{B, H, D, X, Y, Z});
  T tape(false);
  auto y = tensor::to_host(ops::axis_kernels_parallel(tape, tape.input(kx), tape.input(ky),
                                                      tape.input(kz), tape.input(v))
                               ->value);
  auto c = tensor::to_host(
      ops::axis_kernels_chained(tape, tape.input(kx), tape.input(ky), tape.input(kz), tape.input(v))
          ->value);
  const auto hx = tensor::to_host(kx), hy = tensor::to_host(ky), hz = tensor::to_host(kz),
             hv = tensor::to_host(v);
  auto V6 = [&](const std::vector<double>& f, int b, int h, int d, int i, int j, int k) {
    return f[static_cast<std::size_t>(((((b * H + h) * D + d) * X + i) * Y + j) * Z + k)];
  };
  std::vector<double> w1(hv.size()), w2(hv.size());
  auto at = [&](int b, int h, int d, int i, int j, int k) {
    return static_cast<std::size_t>(((((b * H + h) * D + d) * X + i) * Y + j) * Z + k);
  };
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < H; ++h)
      for (int d = 0; d < D; ++d)
        for (int i = 0; i < X; ++i)
          for (int j = 0; j < Y; ++j)
            for (int k = 0; k < Z; ++k) {
              double sx = 0, sy = 0, sz = 0;
              const std::size_t p = static_cast<std::size_t>(b * H + h);
              for (int l = 0; l < X; ++l)
                sx += hx[p * X * X + i * X + l] * V6(hv, b, h, d, l, j, k);
              for (int l = 0; l < Y; ++l)
                sy += hy[p * Y * Y + j * Y + l] * V6(hv, b, h, d, i, l, k);
              for (int l = 0; l < Z; ++l)
                sz += hz[p * Z * Z + k * Z + l] * V6(hv, b, h, d, i, j, l);
              const double s[3] = {sx, sy, sz};
              for (int a = 0; a < 3; ++a)
                EXPECT_NEAR(y[static_cast<std::size_t>(
                                ((((((b * H + h) * 3 + a) * D + d) * X + i) * Y + j) * Z + k))],
                            s[a], 1e-12);
              w1[at(b, h, d, i, j, k)] = sx;
            }
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < H; ++h)
      for (int d = 0; d < D; ++d)
        for (int i = 0; i < X; ++i)
          for (int j = 0; j < Y; ++j)
            for (int k = 0; k < Z; ++k) {
              double s = 0;
              for (int l = 0; l < Y; ++l)
                s += hy[static_cast<std::size_t>((b * H + h) * Y * Y + j * Y + l)] *
                     w1[at(b, h, d, i, l, k)];
              w2[at(b, h, d, i, j, k)] = s;
            }
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < H; ++h)
      for (int d = 0; d < D; ++d)
        for (int i = 0; i < X; ++i)
          for (int j = 0; j < Y; ++j)
            for (int k = 0; k < Z; ++k) {
              double s = 0;
              for (int l = 0; l < Z; ++l)
                s += hz[static_cast<std::size_t>((b * H + h) * Z * Z + k * Z + l)] *
                     w2[at(b, h, d, i, j, l)];
              EXPECT_NEAR(c[at(b, h, d, i, j, k)], s, 1e-12);
            }
}

TEST(IFactFormerOps, AxisKernelGradients) {
  for (const auto& s :
       {Shape{2, 2, 3, 4, 3, 5}, Shape{1, 1, 1, 1, 2, 1}, Shape{1, 3, 2, 3, 1, 2}}) {
    const Shape kx{s[0], s[1], s[3], s[3]}, ky{s[0], s[1], s[4], s[4]}, kz{s[0], s[1], s[5], s[5]};
    expect_gradients({kx, ky, kz, s}, [](T& t, const V& v) {
      return ops::axis_kernels_parallel(t, v[0], v[1], v[2], v[3]);
    });
    expect_gradients({kx, ky, kz, s}, [](T& t, const V& v) {
      return ops::axis_kernels_chained(t, v[0], v[1], v[2], v[3]);
    });
  }
}

// The fused value path against the ops it replaces: values by a linear map, the axis kernels,
// InstanceNorm and the projection, composed from separately tested ops (values and gradients).
void expect_mix_matches_ops(bool chained, Index B, Index H, Index D, Index X, Index Y, Index Z,
                            Index C, Index Cout) {
  const Index N = X * Y * Z, Cz = (chained ? 1 : 3) * H * D;
  const std::vector<Shape> shapes{Shape{B, N, C},    Shape{H * D, C},   Shape{B, H, X, X},
                                  Shape{B, H, Y, Y}, Shape{B, H, Z, Z}, Shape{Cout, Cz}};
  std::mt19937 rng(11);
  std::vector<tensor::TensorT<double>> xs;
  for (const auto& s : shapes) {
    xs.push_back(tensor::TensorT<double>::zeros(s));
    tensor::from_host(xs.back(),
                      eddyop::testing::random_values(static_cast<std::size_t>(s.numel()), rng));
  }
  auto dy = tensor::TensorT<double>::zeros(Shape{B, Cout, N});
  tensor::from_host(dy, eddyop::testing::random_values(static_cast<std::size_t>(dy.numel()), rng));
  auto run = [&](bool fused) {
    T tape;
    V v;
    for (auto& x : xs) v.push_back(tape.input(x, true));
    Var<double> y;
    if (fused) {
      y = ops::factorized_mix(tape, v[0], v[1], v[2], v[3], v[4], v[5], chained, 1e-5);
    } else {
      auto val = ops::permute(tape, ops::linear(tape, v[0], v[1], Var<double>()), {0, 2, 1});
      val = ops::reshape(tape, val, Shape{B, H, D, X, Y, Z});
      auto z = chained ? ops::axis_kernels_chained(tape, v[2], v[3], v[4], val)
                       : ops::axis_kernels_parallel(tape, v[2], v[3], v[4], val);
      z = ops::instance_norm(tape, ops::reshape(tape, z, Shape{B, Cz, N}), Var<double>(),
                             Var<double>(), 1e-5);
      y = ops::pointwise_conv(tape, z, v[5], Var<double>());
    }
    tape.backward(y, dy);
    std::vector<std::vector<double>> out{tensor::to_host(y->value)};
    for (auto& x : v) out.push_back(tensor::to_host(x->grad));
    return out;
  };
  const auto fast = run(true), slow = run(false);
  for (std::size_t k = 0; k < fast.size(); ++k) {
    ASSERT_EQ(fast[k].size(), slow[k].size());
    for (std::size_t i = 0; i < fast[k].size(); ++i)
      ASSERT_NEAR(fast[k][i], slow[k][i], 1e-9 * std::max(1.0, std::abs(slow[k][i])))
          << (k == 0 ? "output" : "gradient of input " + std::to_string(k - 1)) << ", element "
          << i;
  }
}

TEST(IFactFormerOps, FactorizedMixMatchesComposedOps) {
  // On 1 to 3 host threads: the -m path splits the channels over the pool's parts, each going
  // through its range 4 channels at a time with kernel gradients of its own.
  // With the contracted fields kept for the backward (the default budget, at these sizes) and
  // recomputed there (no budget).
  for (const double keep : {ops::factorized_mix_keep_bytes(), 0.0})
    for (int threads : {1, 2, 3}) {
      SCOPED_TRACE("threads " + std::to_string(threads) + ", keep " + std::to_string(keep));
      ops::set_factorized_mix_keep_bytes(keep);
      ops::set_host_threads(threads);
      for (bool chained : {false, true}) {
        expect_mix_matches_ops(chained, 2, 2, 3, 4, 3, 5, 4, 3);
        expect_mix_matches_ops(chained, 1, 1, 2, 1, 2, 3, 3, 2);
        expect_mix_matches_ops(chained, 1, 3, 1, 3, 5, 1, 2, 1);
        // rows of 16 values and more: the lane sums with and without a tail
        expect_mix_matches_ops(chained, 1, 2, 2, 5, 4, 7, 3, 2);
        // 9 and 13 channels: several chunks per part, the last one partial
        expect_mix_matches_ops(chained, 1, 2, 9, 3, 4, 5, 3, 2);
        expect_mix_matches_ops(chained, 2, 1, 13, 2, 3, 4, 2, 3);
      }
    }
  ops::set_host_threads(1);
  ops::set_factorized_mix_keep_bytes(160.0 * (1 << 20));
}

TEST(IFactFormerOps, FactorizedMixGradients) {
  for (bool chained : {false, true}) {
    // B, H, D, X, Y, Z, C, Cout
    const Index s[3][8] = {
        {2, 2, 2, 3, 4, 2, 3, 2}, {1, 1, 1, 2, 3, 1, 2, 1}, {1, 1, 2, 5, 2, 4, 2, 2}};
    for (const auto& d : s) {
      const Index B = d[0], H = d[1], D = d[2], X = d[3], Y = d[4], Z = d[5], C = d[6], Co = d[7];
      expect_gradients({Shape{B, X * Y * Z, C}, Shape{H * D, C}, Shape{B, H, X, X},
                        Shape{B, H, Y, Y}, Shape{B, H, Z, Z}, Shape{Co, (chained ? 1 : 3) * H * D}},
                       [chained](T& t, const V& v) {
                         return ops::factorized_mix(t, v[0], v[1], v[2], v[3], v[4], v[5], chained,
                                                    1e-5);
                       });
    }
  }
}

}  // namespace
