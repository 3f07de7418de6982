// Tensors, the tape's arena, flat parameter buffers and the FFT wrapper.
#include <gtest/gtest.h>

#include <cmath>

#include "core/tensor/fft.hpp"
#include "core/tensor/params.hpp"
#include "operators/ops.hpp"

namespace {

using namespace eddyop;
using tensor::Shape;

TEST(Tensor, ShapeCountsAndNegativeAxes) {
  Shape s{2, 3, 5};
  EXPECT_EQ(s.numel(), 30);
  EXPECT_EQ(s[-1], 5);
  EXPECT_EQ(s.span(1, 3), 15);
  EXPECT_EQ(s.str(), "(2, 3, 5)");
}

TEST(Tensor, HostRoundTrip) {
  auto t = tensor::Tensor::zeros(Shape{2, 2});
  tensor::from_host(t, std::vector<float>{1, 2, 3, 4});
  EXPECT_EQ(tensor::to_host(t), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_THROW(tensor::from_host(t, std::vector<float>{1}), Error);
}

TEST(Tape, ArenaStopsGrowingAfterTheFirstStep) {
  tensor::Tape<float> tape;
  auto x = tensor::Tensor::zeros(Shape{64, 300});
  std::size_t first = 0;
  for (int step = 0; step < 3; ++step) {
    auto v = tape.input(x, true);
    auto y = ops::sum(tape, ops::gelu(tape, ops::scale(tape, v, 2.0f)), {0, 1});
    tape.backward(y);
    if (step == 0) first = tape.arena_peak_bytes();
    EXPECT_EQ(tape.arena_peak_bytes(), first);
    tape.reset();
  }
}

TEST(Tape, GradientsAccumulateUntilZeroed) {
  tensor::ParameterSet<double> params;
  auto w = params.add("w", Shape{3});
  params.allocate();
  tensor::from_host(w->value, std::vector<double>{1, 2, 3});
  for (int pass = 0; pass < 2; ++pass) {
    tensor::Tape<double> tape;
    tape.backward(ops::sum(tape, ops::square(tape, w), {0}));
  }
  EXPECT_EQ(tensor::to_host(w->grad), (std::vector<double>{4, 8, 12}));  // 2 x 2w
  params.zero_grad();
  EXPECT_EQ(tensor::to_host(w->grad), (std::vector<double>{0, 0, 0}));
}

TEST(Parameters, OneFlatBufferWithAlignedWindows) {
  tensor::ParameterSet<float> p;
  auto a = p.add("a", Shape{3});
  auto b = p.add("b", Shape{2, 2});
  p.allocate();
  EXPECT_EQ(a->value.ptr(), p.values().data());
  EXPECT_EQ(b->value.ptr(), p.values().data() + 16);
  EXPECT_EQ(b->grad.ptr(), p.grads().data() + 16);
  EXPECT_EQ(p.find("b").offset, 16);
  EXPECT_THROW(p.find("c"), Error);
  EXPECT_THROW(p.add("d", Shape{1}), Error);
}

TEST(Fft, RealRoundTripIsNTimesTheInputIn1To3D) {
  for (auto dims : {std::vector<tensor::Index>{7}, {6, 5}, {4, 3, 6}}) {
    tensor::Index n = 1;
    for (auto v : dims) n *= v;
    const tensor::Index howmany = 3, half = n / dims.back() * (dims.back() / 2 + 1);
    auto x = tensor::TensorT<double>::zeros(Shape{howmany * n});
    std::vector<double> xv(static_cast<std::size_t>(howmany * n));
    for (std::size_t i = 0; i < xv.size(); ++i) xv[i] = std::sin(0.7 * static_cast<double>(i));
    tensor::from_host(x, xv);
    auto c = tensor::TensorT<double>::zeros(Shape{howmany * half * 2});
    auto y = tensor::TensorT<double>::zeros(Shape{howmany * n});
    tensor::fft::r2c(c.ptr(), x.ptr(), howmany, dims);
    tensor::fft::c2r(y.ptr(), c.ptr(), howmany, dims);
    auto yv = tensor::to_host(y);
    for (std::size_t i = 0; i < xv.size(); ++i)
      EXPECT_NEAR(yv[i], static_cast<double>(n) * xv[i], 1e-10 * static_cast<double>(n));
  }
}

// The pruned transforms against the full ones: r2c_kept agrees with r2c on the kept columns;
// c2r_kept of a spectrum zero beyond them agrees with hermitian_fold + c2r, for even and odd last
// axes and with the Nyquist column kept, on arbitrary (non-Hermitian) spectra.
TEST(Fft, PrunedTransformsMatchTheFullOnesOnTheKeptColumns) {
  struct Case {
    std::vector<tensor::Index> dims;
    tensor::Index kept;
  };
  for (const auto& c : {Case{{8}, 3}, Case{{9}, 5}, Case{{6, 8}, 5}, Case{{5, 7}, 2},
                        Case{{4, 3, 6}, 2}, Case{{4, 6, 6}, 4}}) {
    tensor::Index n = 1;
    for (auto v : c.dims) n *= v;
    const tensor::Index H = c.dims.back() / 2 + 1, howmany = 3, half = n / c.dims.back() * H;
    const auto total = static_cast<std::size_t>(howmany * half * 2);
    std::vector<double> xv(static_cast<std::size_t>(howmany * n));
    for (std::size_t i = 0; i < xv.size(); ++i) xv[i] = std::sin(0.7 * static_cast<double>(i));
    auto x = tensor::TensorT<double>::zeros(Shape{howmany * n});
    tensor::from_host(x, xv);
    auto full = tensor::TensorT<double>::zeros(Shape{howmany * half * 2});
    auto pruned = tensor::TensorT<double>::zeros(Shape{howmany * half * 2});
    tensor::fft::r2c(full.ptr(), x.ptr(), howmany, c.dims);
    tensor::fft::r2c_kept(pruned.ptr(), x.ptr(), howmany, c.dims, c.kept);
    const auto fv = tensor::to_host(full), pv = tensor::to_host(pruned);
    for (std::size_t i = 0; i < total; ++i)
      if (static_cast<tensor::Index>(i / 2) % H < c.kept) {
        ASSERT_NEAR(pv[i], fv[i], 1e-12 * static_cast<double>(n)) << i;
      }
    // A spectrum with arbitrary values on the kept columns, zero beyond (for the reference).
    std::vector<double> sv(total, 0.0);
    for (std::size_t i = 0; i < total; ++i)
      if (static_cast<tensor::Index>(i / 2) % H < c.kept)
        sv[i] = std::cos(1.3 * static_cast<double>(i));
    auto a = tensor::TensorT<double>::zeros(Shape{howmany * half * 2});
    auto b = tensor::TensorT<double>::zeros(Shape{howmany * half * 2});
    tensor::from_host(a, sv);
    std::vector<double> garbage = sv;  // what lies beyond the kept columns is not read
    for (std::size_t i = 0; i < total; ++i)
      if (static_cast<tensor::Index>(i / 2) % H >= c.kept) garbage[i] = 1e3;
    tensor::from_host(b, garbage);
    auto ya = tensor::TensorT<double>::zeros(Shape{howmany * n});
    auto yb = tensor::TensorT<double>::zeros(Shape{howmany * n});
    tensor::fft::hermitian_fold(a.ptr(), howmany, c.dims);
    tensor::fft::c2r(ya.ptr(), a.ptr(), howmany, c.dims);
    tensor::fft::c2r_kept(yb.ptr(), b.ptr(), howmany, c.dims, c.kept);
    const auto av = tensor::to_host(ya), bv = tensor::to_host(yb);
    for (std::size_t i = 0; i < av.size(); ++i)
      ASSERT_NEAR(bv[i], av[i], 1e-12 * static_cast<double>(n)) << i;
  }
}

}  // namespace
