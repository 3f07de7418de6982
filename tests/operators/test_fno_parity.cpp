// Parity with PyTorch: the FNO-2D of scripts/make_fno_fixture.py, loaded with the same weights,
// gives the same output, relative-L2 loss and parameter gradients, tensor by tensor.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>

#include "operators/models/fno.hpp"
#include "operators/ops.hpp"
#include "tests/operators/parity_fixture.hpp"

namespace {

using namespace eddyop;
using tensor::Index;
using tensor::Shape;

using eddyop::testing::relative_max_error;
using Record = eddyop::testing::FixtureRecord;

// PyTorch's weights1/weights2 (in, out, m1, m2, 2) <-> our (2 m1 m2, in, out, 2) blocks.
Index spectral_index(Index blk, Index i, Index o, Index k1, Index k2, Index W, Index m1, Index m2) {
  return ((((blk * m1 + k1) * m2 + k2) * W + i) * W + o) * 2;
}

TEST(FnoParity, OutputLossAndEveryGradientMatchPyTorch) {
  const char* src = std::getenv("EDDYOP_SOURCE_DIR");
  const std::string dir = src ? src : ".";
  auto fx = eddyop::testing::read_fixture(dir + "/tests/data/fno2d_parity_v1.bin",
                                          "scripts/make_fno_fixture.py");
  const Index W = 6, m1 = 3, m2 = 4, layers = 4;
  models::FnoOptions opt;
  opt.in_channels = 1;
  opt.out_channels = 1;
  opt.modes = {m1, m2};
  opt.width = W;
  opt.layers = layers;
  opt.projection = 16;
  opt.padding = 2;
  models::Fno<float> model(opt, 1);
  auto& params = model.parameters();

  // Our parameter name -> the PyTorch tensor(s) it holds, in both directions.
  auto to_ours = [&](const std::string& prefix, const std::string& name) {
    if (name.find(".weights") == std::string::npos) {
      const auto& rec = fx.at(prefix + name);
      return rec.values;  // fc and 1x1 conv weights are (out, in[, 1, 1]) in both
    }
    const std::string layer = name.substr(0, name.find('.'));
    std::vector<float> v(static_cast<std::size_t>(2 * m1 * m2 * W * W * 2));
    for (Index blk = 0; blk < 2; ++blk) {
      const auto& rec = fx.at(prefix + layer + ".weights" + std::to_string(blk + 1));
      for (Index i = 0; i < W; ++i)
        for (Index o = 0; o < W; ++o)
          for (Index k1 = 0; k1 < m1; ++k1)
            for (Index k2 = 0; k2 < m2; ++k2)
              for (Index c = 0; c < 2; ++c)
                v[static_cast<std::size_t>(spectral_index(blk, i, o, k1, k2, W, m1, m2) + c)] =
                    rec.values[static_cast<std::size_t>((((i * W + o) * m1 + k1) * m2 + k2) * 2 +
                                                        c)];
    }
    return v;
  };
  for (const auto& e : params.entries()) tensor::from_host(e.var->value, to_ours("param/", e.name));

  tensor::Tape<float> tape;
  auto x = tensor::Tensor::zeros(fx.at("x").shape);
  auto t = tensor::Tensor::zeros(fx.at("target").shape);
  tensor::from_host(x, fx.at("x").values);
  tensor::from_host(t, fx.at("target").values);
  auto xv = tape.input(x), tv = tape.input(t);
  auto y = model.forward(tape, xv);
  // Relative L2 per sample, summed over the batch.
  auto norm = [&](const tensor::Var<float>& v) {
    return ops::sqrt(tape, ops::sum(tape, ops::square(tape, v), {1, 2, 3}));
  };
  auto loss = ops::sum(tape, ops::div(tape, norm(ops::sub(tape, y, tv)), norm(tv)), {0});
  params.zero_grad();
  tape.backward(loss);

  // Tolerance: both sides compute in float32 with different FFTs (FFTW vs pocketfft) and GEMM
  // summation orders; each op contributes ~1e-7..1e-6 relative error and four Fourier layers
  // with gradients through sqrt/div of the loss amplify it to ~1e-5. 2e-4 of each tensor's largest
  // entry leaves margin while still catching any wrong mode, sign or factor of 2 (those are O(1)).
  const double tol = 2e-4;
  EXPECT_LT(relative_max_error(tensor::to_host(y->value), fx.at("y").values), tol) << "output";
  EXPECT_LT(relative_max_error(tensor::to_host(loss->value), fx.at("loss").values), tol) << "loss";
  for (const auto& e : params.entries())
    EXPECT_LT(relative_max_error(tensor::to_host(e.var->grad), to_ours("grad/", e.name)), tol)
        << "gradient of " << e.name;
}

}  // namespace
