// Parity with PyTorch: the small IFactFormer-m and -o of scripts/make_ifactformer_fixture.py,
// loaded with the same weights and Fourier matrix, give the same output, relative-L2 loss and
// parameter gradients, tensor by tensor.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "operators/models/ifactformer.hpp"
#include "operators/ops.hpp"
#include "tests/operators/parity_fixture.hpp"

namespace {

using namespace eddyop;
using tensor::Index;
using tensor::Shape;

using eddyop::testing::relative_max_error;
using Record = eddyop::testing::FixtureRecord;

void check_variant(const std::map<std::string, Record>& fx, const std::string& tag) {
  models::IFactFormerOptions o;
  o.chained = tag == "o";
  o.in_channels = 3;
  o.out_channels = 3;
  o.dim = 8;
  o.heads = 2;
  o.dim_head = 4;
  o.kernel_dim_factor = 3;
  o.iterations = 3;
  o.lift_channels = 6;
  o.fourier_features = 5;
  o.fourier_sigma = 8;
  o.out_hidden = 6;
  models::IFactFormer<float> model(o, 1);
  auto& params = model.parameters();
  for (const auto& e : params.entries()) {
    const auto& rec = fx.at(tag + "/param/" + e.name);
    ASSERT_EQ(rec.shape, e.var->shape()) << e.name;
    tensor::from_host(e.var->value, rec.values);
  }
  const auto& bg = fx.at(tag + "/bg").values;
  model.set_fourier_matrix(std::vector<double>(bg.begin(), bg.end()));

  tensor::Tape<float> tape;
  auto x = tensor::Tensor::zeros(fx.at("x").shape);
  auto t = tensor::Tensor::zeros(fx.at("target").shape);
  tensor::from_host(x, fx.at("x").values);
  tensor::from_host(t, fx.at("target").values);
  auto xv = tape.input(x), tv = tape.input(t);
  auto y = model.forward(tape, xv);
  // Relative L2 per sample, averaged over the batch (the reference's training loss).
  auto norm = [&](const tensor::Var<float>& v) {
    return ops::sqrt(tape, ops::sum(tape, ops::square(tape, v), {1, 2, 3, 4}));
  };
  auto loss = ops::mean(tape, ops::div(tape, norm(ops::sub(tape, y, tv)), norm(tv)), {0});
  params.zero_grad();
  tape.backward(loss);

  // Tolerance: both sides run float32 with different GEMM and reduction orders (~1e-7 relative
  // per op). The rotary angles reach 64 * 4 pi ~ 800 rad, where a float angle carries ~5e-5 rad
  // of rounding: both sides form the table in double and round once, so that stays ~1e-7. Three
  // iterations of un-normalised O(1) kernels followed by InstanceNorm and the loss's sqrt/div
  // amplify that to ~1e-5 at most; 5e-4 of each tensor's largest entry leaves margin and still
  // catches a wrong axis, head order, sign or factor (all O(1)).
  const double tol = 5e-4;
  EXPECT_LT(relative_max_error(tensor::to_host(y->value), fx.at(tag + "/y").values), tol)
      << tag << " output";
  EXPECT_LT(relative_max_error(tensor::to_host(loss->value), fx.at(tag + "/loss").values), tol)
      << tag << " loss";
  for (const auto& e : params.entries())
    EXPECT_LT(
        relative_max_error(tensor::to_host(e.var->grad), fx.at(tag + "/grad/" + e.name).values),
        tol)
        << tag << " gradient of " << e.name;
}

std::map<std::string, Record> fixture() {
  const char* src = std::getenv("EDDYOP_SOURCE_DIR");
  return eddyop::testing::read_fixture(
      std::string(src ? src : ".") + "/tests/data/ifactformer_parity_v1.bin",
      "scripts/make_ifactformer_fixture.py");
}

TEST(IFactFormerParity, ParallelVariantMatchesPyTorchTensorByTensor) {
  check_variant(fixture(), "m");
}

TEST(IFactFormerParity, ChainedVariantMatchesPyTorchTensorByTensor) {
  check_variant(fixture(), "o");
}

// The whole model in double against central differences: every parameter tensor (a few entries
// each) and the input, so that the model's own fused pieces (the grouped lift, the projections,
// the residual tail, the axis means) are checked as well as the ops.
void expect_model_gradients(bool chained) {
  models::IFactFormerOptions o;
  o.chained = chained;
  o.dim = 4;
  o.heads = 2;
  o.dim_head = 2;
  o.kernel_dim_factor = 2;
  o.iterations = 2;
  o.lift_channels = 6;
  o.fourier_features = 3;
  o.out_hidden = 3;
  o.rotary_scale = 2.0;
  models::IFactFormer<double> model(o, 5);
  // Larger q/k weights than the initialisation's, so that the kernels matter in the output.
  for (const auto& e : model.parameters().entries()) {
    auto v = tensor::to_host(e.var->value);
    for (std::size_t i = 0; i < v.size(); ++i)
      v[i] += 0.3 * std::sin(1.7 * static_cast<double>(i) + static_cast<double>(e.offset));
    tensor::from_host(e.var->value, v);
  }
  const Shape xs{2, 3, 3, 4, 2};
  auto x = tensor::TensorT<double>::zeros(xs);
  std::vector<double> xh(static_cast<std::size_t>(x.numel())), rh(xh.size());
  for (std::size_t i = 0; i < xh.size(); ++i) {
    xh[i] = std::sin(0.7 * static_cast<double>(i) + 0.3);
    rh[i] = std::cos(1.3 * static_cast<double>(i));
  }
  tensor::from_host(x, xh);
  auto r = tensor::TensorT<double>::zeros(xs);
  tensor::from_host(r, rh);
  // loss = sum(y r)
  auto loss_of = [&](bool backward, std::vector<double>* dx) {
    tensor::Tape<double> tape;
    auto xv = tape.input(x, backward);
    auto y = model.forward(tape, xv);
    auto l = ops::sum(tape, ops::mul(tape, y, tape.input(r)), {0, 1, 2, 3, 4});
    if (backward) {
      model.parameters().zero_grad();
      tape.backward(l);
      *dx = tensor::to_host(xv->grad);
    }
    return tensor::to_host(l->value)[0];
  };
  std::vector<double> dx;
  loss_of(true, &dx);
  const double h = 1e-6;
  auto check = [&](tensor::TensorT<double>& t, const std::vector<double>& grad, Index i,
                   const std::string& what) {
    auto v = tensor::to_host(t);
    const double v0 = v[static_cast<std::size_t>(i)];
    v[static_cast<std::size_t>(i)] = v0 + h;
    tensor::from_host(t, v);
    const double lp = loss_of(false, nullptr);
    v[static_cast<std::size_t>(i)] = v0 - h;
    tensor::from_host(t, v);
    const double lm = loss_of(false, nullptr);
    v[static_cast<std::size_t>(i)] = v0;
    tensor::from_host(t, v);
    const double fd = (lp - lm) / (2 * h), an = grad[static_cast<std::size_t>(i)];
    EXPECT_NEAR(an, fd, 1e-6 * std::max(1.0, std::abs(fd))) << what << "[" << i << "]";
  };
  for (const auto& e : model.parameters().entries()) {
    const auto g = tensor::to_host(e.var->grad);
    const Index n = e.var->value.numel();
    for (Index i : {Index{0}, n / 2, n - 1}) check(e.var->value, g, i, e.name);
  }
  for (Index i : {Index{0}, Index{17}, x.numel() - 1}) check(x, dx, i, "input");
}

TEST(IFactFormerParity, ModelGradientsMatchFiniteDifferencesInDouble) {
  expect_model_gradients(false);
  expect_model_gradients(true);
}

TEST(IFactFormerParity, PaperConfigurationHasThePublishedParameterCount) {
  // 1,163,331 (-m) and 1,071,171 (-o) count the frozen 3 x 48 Fourier matrix (a buffer here).
  auto count = [](const models::IFactFormerOptions& o) {
    models::IFactFormer<float> model(o, 0);
    Index n = 0;
    for (const auto& e : model.parameters().entries()) n += e.var->value.numel();
    return n;
  };
  models::IFactFormerOptions o;
  EXPECT_EQ(count(o) + 144, 1163331);
  o.chained = true;
  EXPECT_EQ(count(o) + 144, 1071171);
}

}  // namespace
