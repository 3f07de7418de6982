// The ops of IFactFormer against central differences in double precision: rotary embedding,
// GeGLU, and the per-axis kernel contractions (parallel and chained), on odd sizes, size-1 axes
// and several heads and samples, so that every GEMM path (x: batched over d, y: batched over
// (d, x), z: one GEMM) and every offset is exercised.
#include "operators/ops.hpp"
#include "tests/operators/gradcheck.hpp"

namespace {

using namespace eddyop;
using eddyop::testing::expect_gradients;
using tensor::Shape;
using tensor::Var;
using V = std::vector<Var<double>>;
using T = tensor::Tape<double>;

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

}  // namespace
