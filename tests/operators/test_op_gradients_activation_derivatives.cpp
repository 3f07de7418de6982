// The activations' derivative ops (dgelu, d2gelu, dsilu, d2silu, dtanh, d2tanh): their values
// are the derivatives of the activations (central differences of the op one order below), their
// backward passes agree with finite differences, and the float kernels agree with double.
#include <cmath>

#include "operators/ops.hpp"
#include "tests/operators/gradcheck.hpp"

namespace {

using namespace eddyop;
using eddyop::testing::expect_gradients;
using tensor::Shape;
using tensor::Tape;
using tensor::TensorT;
using tensor::Var;
using V = std::vector<Var<double>>;
using T = Tape<double>;
template <class S>
using Unary = Var<S> (*)(Tape<S>&, const Var<S>&);

// (f, f') pairs: f' must be the derivative of f.
struct Pair {
  const char* name;
  Unary<double> f, df;
};
const Pair kPairs[] = {
    {"gelu", ops::gelu<double>, ops::dgelu<double>},
    {"dgelu", ops::dgelu<double>, ops::d2gelu<double>},
    {"silu", ops::silu<double>, ops::dsilu<double>},
    {"dsilu", ops::dsilu<double>, ops::d2silu<double>},
    {"tanh", ops::tanh<double>, ops::dtanh<double>},
    {"dtanh", ops::dtanh<double>, ops::d2tanh<double>},
};

std::vector<double> evaluate(Unary<double> f, const std::vector<double>& x) {
  Tape<double> tape(false);
  auto t = TensorT<double>::zeros(Shape{static_cast<tensor::Index>(x.size())});
  tensor::from_host(t, x);
  return tensor::to_host(f(tape, tape.input(t))->value);
}

TEST(ActivationDerivatives, ValuesAreCentralDifferencesOfTheFunctionBelow) {
  // x over [-5, 5], including 0 and the tails; h = 1e-5 gives ~1e-10 truncation and rounding.
  std::vector<double> x;
  for (int i = 0; i <= 40; ++i) x.push_back(-5.0 + 0.25 * i);
  const double h = 1e-5;
  std::vector<double> xp(x), xm(x);
  for (std::size_t i = 0; i < x.size(); ++i) {
    xp[i] += h;
    xm[i] -= h;
  }
  for (const Pair& p : kPairs) {
    const auto d = evaluate(p.df, x), fp = evaluate(p.f, xp), fm = evaluate(p.f, xm);
    for (std::size_t i = 0; i < x.size(); ++i)
      EXPECT_NEAR(d[i], (fp[i] - fm[i]) / (2 * h), 1e-8) << p.name << "' at x = " << x[i];
  }
}

TEST(ActivationDerivatives, BackwardMatchesFiniteDifferences) {
  // Odd and unit sizes; inputs over [-4, 4] reach the tails where the polynomials in x matter.
  for (const Shape& s : {Shape{3, 7}, Shape{1}}) {
    unsigned seed = 10;
    for (const Pair& p : kPairs) {
      const Unary<double> df = p.df;
      expect_gradients(
          {s}, [df](T& t, const V& v) { return df(t, v[0]); }, seed++, -4, 4);
    }
  }
}

TEST(ActivationDerivatives, FloatKernelsAgreeWithDouble) {
  // The float path uses the branch-free erf/exp of gelu_math.hpp: a few ulps; 2e-6 absolute on
  // values of order 1 leaves room for that and for tanh/exp of float arguments.
  const Unary<float> ff[] = {ops::dgelu<float>,  ops::d2gelu<float>, ops::dsilu<float>,
                             ops::d2silu<float>, ops::dtanh<float>,  ops::d2tanh<float>};
  const Unary<double> fd[] = {ops::dgelu<double>,  ops::d2gelu<double>, ops::dsilu<double>,
                              ops::d2silu<double>, ops::dtanh<double>,  ops::d2tanh<double>};
  std::vector<float> x;
  for (int i = 0; i <= 160; ++i) x.push_back(-10.0f + 0.125f * static_cast<float>(i));
  std::vector<double> xd(x.begin(), x.end());
  for (std::size_t k = 0; k < 6; ++k) {
    Tape<float> tape(false);
    auto t = TensorT<float>::zeros(Shape{static_cast<tensor::Index>(x.size())});
    tensor::from_host(t, x);
    const auto yf = tensor::to_host(ff[k](tape, tape.input(t))->value);
    const auto yd = evaluate(fd[k], xd);
    for (std::size_t i = 0; i < x.size(); ++i)
      EXPECT_NEAR(yf[i], yd[i], 2e-6 * std::max(1.0, std::abs(yd[i])))
          << "op " << k << " at x = " << x[i];
  }
}

}  // namespace
