// Every op's backward against central differences in double precision, with shapes that hit
// the edge paths: size-1 axes, odd sizes, broadcasting, odd numbers of modes, strides that do
// not divide the input.
#include "operators/fourier_layer.hpp"
#include "operators/host_loop.hpp"
#include "operators/ops.hpp"
#include "tests/operators/gradcheck.hpp"

namespace {

using namespace eddyop;
using eddyop::testing::expect_gradients;
using tensor::Index;
using tensor::Shape;
using tensor::Tape;
using tensor::Trans;
using tensor::Var;
using V = std::vector<Var<double>>;
using T = Tape<double>;

TEST(OpGradients, LinearWithBiasOnOddAndUnitSizes) {
  for (auto xs : {Shape{3, 5}, Shape{1, 1}, Shape{2, 3, 7}}) {
    const Index K = xs[-1];
    expect_gradients({xs, Shape{4, K}, Shape{4}},
                     [](T& t, const V& v) { return ops::linear(t, v[0], v[1], v[2]); });
  }
  expect_gradients({Shape{3, 5}, Shape{1, 5}},
                   [](T& t, const V& v) { return ops::linear(t, v[0], v[1], Var<double>()); });
}

TEST(OpGradients, PointwiseConvOverSpatialAxes) {
  expect_gradients({Shape{2, 3, 5, 1}, Shape{4, 3}, Shape{4}},
                   [](T& t, const V& v) { return ops::pointwise_conv(t, v[0], v[1], v[2]); });
  expect_gradients({Shape{1, 1, 7}, Shape{1, 1}, Shape{1}},
                   [](T& t, const V& v) { return ops::pointwise_conv(t, v[0], v[1], v[2]); });
}

TEST(OpGradients, MatmulEveryTransposeAndSharedOperand) {
  for (auto ta : {Trans::no, Trans::yes})
    for (auto tb : {Trans::no, Trans::yes}) {
      const Shape a = ta == Trans::no ? Shape{2, 3, 5} : Shape{2, 5, 3};
      const Shape b = tb == Trans::no ? Shape{2, 5, 4} : Shape{2, 4, 5};
      expect_gradients({a, b},
                       [=](T& t, const V& v) { return ops::matmul(t, v[0], v[1], ta, tb); });
      const Shape bs = tb == Trans::no ? Shape{5, 1} : Shape{1, 5};
      expect_gradients({a, bs},
                       [=](T& t, const V& v) { return ops::matmul(t, v[0], v[1], ta, tb); });
    }
}

TEST(OpGradients, BroadcastingArithmetic) {
  const std::vector<std::pair<Shape, Shape>> cases = {
      {Shape{2, 3}, Shape{2, 3}},
      {Shape{2, 1, 3}, Shape{4, 1}},
      {Shape{1}, Shape{3, 2}},
      // b repeated along a's leading axes (the row path), and the mirror case (general path).
      {Shape{4, 2, 3}, Shape{2, 3}},
      {Shape{2, 3}, Shape{3}},
      {Shape{3}, Shape{2, 3}}};
  for (const auto& [a, b] : cases) {
    expect_gradients({a, b}, [](T& t, const V& v) { return ops::add(t, v[0], v[1]); });
    expect_gradients({a, b}, [](T& t, const V& v) { return ops::sub(t, v[0], v[1]); });
    expect_gradients({a, b}, [](T& t, const V& v) { return ops::mul(t, v[0], v[1]); });
    // b in [0.5, 1.5] keeps the quotient smooth.
    expect_gradients(
        {a, b}, [](T& t, const V& v) { return ops::div(t, v[0], ops::scale(t, v[1], 0.5, 1.0)); });
  }
  expect_gradients({Shape{3, 1}}, [](T& t, const V& v) { return ops::scale(t, v[0], -2.5, 0.25); });
}

TEST(OpGradients, Activations) {
  const Shape s{3, 7};
  expect_gradients(
      {s}, [](T& t, const V& v) { return ops::gelu(t, v[0]); }, 1, -3, 3);
  expect_gradients(
      {s}, [](T& t, const V& v) { return ops::silu(t, v[0]); }, 2, -3, 3);
  expect_gradients(
      {s}, [](T& t, const V& v) { return ops::tanh(t, v[0]); }, 3, -2, 2);
  expect_gradients(
      {s}, [](T& t, const V& v) { return ops::sin(t, v[0]); }, 4, -3, 3);
  expect_gradients(
      {s}, [](T& t, const V& v) { return ops::cos(t, v[0]); }, 5, -3, 3);
  expect_gradients(
      {s}, [](T& t, const V& v) { return ops::sqrt(t, v[0]); }, 6, 0.5, 2);
  expect_gradients(
      {s}, [](T& t, const V& v) { return ops::square(t, v[0]); }, 7);
}

TEST(OpGradients, SoftmaxOverLastAxis) {
  for (auto s : {Shape{3, 5}, Shape{2, 1}, Shape{7}})
    expect_gradients(
        {s}, [](T& t, const V& v) { return ops::softmax(t, v[0]); }, 1, -2, 2);
}

TEST(OpGradients, Normalisations) {
  expect_gradients({Shape{3, 5}, Shape{5}, Shape{5}},
                   [](T& t, const V& v) { return ops::layer_norm(t, v[0], v[1], v[2], 1e-5); });
  expect_gradients({Shape{2, 3, 5, 3}, Shape{3}, Shape{3}},
                   [](T& t, const V& v) { return ops::instance_norm(t, v[0], v[1], v[2], 1e-5); });
  expect_gradients({Shape{2, 3, 7}},
                   [](T& t, const V& v) { return ops::instance_norm<double>(t, v[0], {}, {}); });
  expect_gradients({Shape{2, 6, 5}, Shape{6}, Shape{6}},
                   [](T& t, const V& v) { return ops::group_norm(t, v[0], 3, v[1], v[2], 1e-5); });
  expect_gradients({Shape{1, 4, 3}, Shape{4}, Shape{4}},
                   [](T& t, const V& v) { return ops::group_norm(t, v[0], 1, v[1], v[2], 1e-5); });
}

TEST(OpGradients, Reductions) {
  const Shape s{2, 3, 5};
  expect_gradients({s}, [](T& t, const V& v) { return ops::sum(t, v[0], {1}); });
  expect_gradients({s}, [](T& t, const V& v) { return ops::sum(t, v[0], {0, -1}, true); });
  expect_gradients({s}, [](T& t, const V& v) { return ops::mean(t, v[0], {0, 1, 2}); });
  expect_gradients({Shape{1, 3}}, [](T& t, const V& v) { return ops::mean(t, v[0], {0}); });
}

TEST(OpGradients, ShapeOps) {
  expect_gradients({Shape{2, 3, 5}}, [](T& t, const V& v) {
    return ops::reshape(t, v[0], Shape{5, 6});
  });
  expect_gradients({Shape{2, 3, 5}}, [](T& t, const V& v) {
    return ops::permute(t, v[0], {2, 0, 1});
  });
  // The last axis kept in place: rows move whole.
  expect_gradients({Shape{2, 3, 4, 5}}, [](T& t, const V& v) {
    return ops::permute(t, v[0], {0, 2, 1, 3});
  });
  expect_gradients({Shape{3, 2, 4}}, [](T& t, const V& v) {
    return ops::permute(t, v[0], {1, 0, 2});
  });
  expect_gradients({Shape{2, 3, 5}, Shape{2, 1, 5}, Shape{2, 4, 5}}, [](T& t, const V& v) {
    return ops::concat(t, {v[0], v[1], v[2]}, 1);
  });
  expect_gradients({Shape{2, 3, 5}},
                   [](T& t, const V& v) { return ops::slice(t, v[0], -1, 1, 4); });
  expect_gradients({Shape{3, 1}}, [](T& t, const V& v) { return ops::slice(t, v[0], 0, 2, 3); });
}

TEST(OpGradients, PaddingModes) {
  for (auto mode : {ops::PadMode::zero, ops::PadMode::circular, ops::PadMode::reflect}) {
    expect_gradients({Shape{2, 1, 5, 4}}, [=](T& t, const V& v) {
      return ops::pad(t, v[0], {2, 1}, {3, 0}, mode);
    });
    expect_gradients({Shape{1, 2, 3}},
                     [=](T& t, const V& v) { return ops::pad(t, v[0], {1}, {2}, mode); });
  }
}

TEST(OpGradients, ConvolutionsWithStrideIn1To3D) {
  expect_gradients({Shape{2, 3, 7}, Shape{2, 3, 3}, Shape{2}},
                   [](T& t, const V& v) { return ops::conv(t, v[0], v[1], v[2], {2}); });
  expect_gradients({Shape{1, 2, 5, 6}, Shape{3, 2, 3, 2}, Shape{3}}, [](T& t, const V& v) {
    return ops::conv(t, v[0], v[1], v[2], {2, 1});
  });
  expect_gradients({Shape{1, 1, 4, 3, 5}, Shape{2, 1, 2, 1, 3}, Shape{2}}, [](T& t, const V& v) {
    return ops::conv(t, v[0], v[1], v[2], {1, 2, 2});
  });
  expect_gradients({Shape{2, 3, 4}, Shape{3, 2, 3}, Shape{2}},
                   [](T& t, const V& v) { return ops::conv_transpose(t, v[0], v[1], v[2], {2}); });
  expect_gradients({Shape{1, 2, 3, 2}, Shape{2, 3, 2, 3}, Shape{3}}, [](T& t, const V& v) {
    return ops::conv_transpose(t, v[0], v[1], v[2], {2, 3});
  });
  expect_gradients({Shape{1, 1, 2, 2, 3}, Shape{1, 2, 2, 1, 2}}, [](T& t, const V& v) {
    return ops::conv_transpose(t, v[0], v[1], Var<double>(), {2, 1, 2});
  });
}

TEST(OpGradients, SpectralConvIn1To3DWithOddModes) {
  struct Case {
    Shape x;
    std::vector<Index> modes;
  };
  const std::vector<Case> cases = {
      {Shape{2, 3, 8}, {3}},        // interior modes only
      {Shape{1, 2, 9}, {5}},        // odd length, all modes of the half spectrum
      {Shape{1, 1, 8}, {5}},        // the Nyquist mode of an even length
      {Shape{2, 2, 6, 7}, {3, 3}},  // 2D, odd last axis
      {Shape{1, 2, 5, 8}, {1, 5}},  // 2D, Nyquist kept
      {Shape{1, 2, 4, 6, 5}, {2, 3, 2}}};
  for (const auto& c : cases) {
    const Index Cin = c.x[1], Cout = 2, M = ops::spectral_modes(c.modes);
    expect_gradients({c.x, Shape{M, Cin, Cout, 2}},
                     [&](T& t, const V& v) { return ops::spectral_conv(t, v[0], v[1], c.modes); });
  }
}

TEST(OpGradients, FusedFourierLayerWithAndWithoutGelu) {
  for (int threads : {1, 2}) {  // host_for splits the rows over the host threads
    ops::set_host_threads(threads);
    for (bool act : {true, false})
      for (auto [xs, modes] : {std::pair<Shape, std::vector<Index>>{Shape{2, 3, 8}, {3}},
                               {Shape{1, 2, 6, 7}, {3, 3}}}) {
        const Index Cin = xs[1], Cout = 2, M = ops::spectral_modes(modes);
        expect_gradients({xs, Shape{M, Cin, Cout, 2}, Shape{Cout, Cin}, Shape{Cout}},
                         [&, m = modes, a = act](T& t, const V& v) {
                           return ops::fourier_layer(t, v[0], v[1], v[2], v[3], m, a);
                         });
      }
  }
  ops::set_host_threads(1);
}

TEST(OpGradients, FusedProjection) {
  // Up to 4 outputs: the fused GELU pass over chunks of 256 points (300 points: a full and a
  // partial chunk); 5 outputs: the GEMM path. One and two host threads.
  struct Case {
    Shape x;
    Index hidden, out;
  };
  for (int threads : {1, 2}) {
    ops::set_host_threads(threads);
    for (const auto& c : {Case{Shape{2, 3, 5}, 4, 2}, Case{Shape{2, 2, 300}, 3, 1},
                          Case{Shape{1, 3, 2, 3}, 4, 5}}) {
      const Index Cin = c.x[1];
      expect_gradients(
          {c.x, Shape{c.hidden, Cin}, Shape{c.hidden}, Shape{c.out, c.hidden}, Shape{c.out}},
          [](T& t, const V& v) { return ops::projection(t, v[0], v[1], v[2], v[3], v[4]); });
    }
  }
  ops::set_host_threads(1);
}

}  // namespace
