// Pooling: finite-difference gradients (double, random upstream gradient) on windows that
// overlap, do not divide the input, and have size 1; and values against hand-computed ones.
#include "operators/ops.hpp"
#include "tests/operators/gradcheck.hpp"

namespace {

using namespace eddyop;
using eddyop::testing::expect_gradients;
using tensor::Shape;
using tensor::Tape;
using tensor::Var;
using V = std::vector<Var<double>>;
using T = Tape<double>;

TEST(Pool, AverageAndMaxGradientsIn1To3D) {
  for (bool max : {false, true}) {
    auto pool = [max](T& t, const Var<double>& x, std::vector<tensor::Index> w,
                      std::vector<tensor::Index> s) {
      return max ? ops::max_pool(t, x, w, s) : ops::avg_pool(t, x, w, s);
    };
    // 1-D, overlapping windows (stride < window) on an odd length.
    expect_gradients({Shape{2, 3, 7}}, [=](T& t, const V& v) { return pool(t, v[0], {3}, {2}); });
    // 2-D, a window that does not divide the input, and a unit axis.
    expect_gradients({Shape{1, 2, 5, 1}}, [=](T& t, const V& v) {
      return pool(t, v[0], {2, 1}, {2, 1});
    });
    // 3-D.
    expect_gradients({Shape{1, 1, 4, 3, 5}}, [=](T& t, const V& v) {
      return pool(t, v[0], {2, 2, 3}, {2, 1, 2});
    });
  }
}

TEST(Pool, ValuesMatchHandComputedWindows) {
  Tape<double> tape(false);
  auto x = tensor::TensorT<double>::zeros(Shape{1, 1, 5});
  tensor::from_host(x, {1.0, 5.0, 2.0, -1.0, 3.0});
  const auto xv = tape.input(x);
  const auto a = tensor::to_host(ops::avg_pool(tape, xv, {2}, {2})->value);
  const auto m = tensor::to_host(ops::max_pool(tape, xv, {3}, {1})->value);
  EXPECT_EQ(a, (std::vector<double>{3.0, 0.5}));       // the last point is not in a window
  EXPECT_EQ(m, (std::vector<double>{5.0, 5.0, 3.0}));  // overlapping windows
}

TEST(Pool, BadWindowsAreErrors) {
  Tape<double> tape(false);
  const auto x = tape.input(tensor::TensorT<double>::zeros(Shape{1, 1, 4}));
  EXPECT_THROW(ops::avg_pool(tape, x, {5}, {1}), eddyop::Error);
  EXPECT_THROW(ops::max_pool(tape, x, {2}, {0}), eddyop::Error);
  EXPECT_THROW(ops::max_pool(tape, x, {2, 2}, {1, 1}), eddyop::Error);
}

}  // namespace
