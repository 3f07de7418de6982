// Coordinate derivatives on the tape (ops::Jet, models::CoordinateMlp): the jets' first and
// second derivatives are those of the network's value (central differences in the coordinates),
// their parameter gradients are right (finite differences), and a Poisson residual built from
// the Laplacian trains a network to the exact solution.
#include <cmath>
#include <random>

#include "operators/coordinate_derivatives.hpp"
#include "operators/models/coordinate_mlp.hpp"
#include "surrogates/optimizer.hpp"
#include "tests/operators/gradcheck.hpp"

namespace {

using namespace eddyop;
using eddyop::testing::expect_gradients;
using eddyop::testing::random_values;
using ops::Activation;
using ops::Jet;
using tensor::Index;
using tensor::Shape;
using tensor::Tape;
using tensor::TensorT;
using tensor::Var;
using V = std::vector<Var<double>>;

const Activation kActivations[] = {Activation::gelu, Activation::silu, Activation::tanh,
                                   Activation::sin, Activation::cos};
constexpr double kPi = 3.14159265358979323846;

template <class S>
TensorT<S> tensor_of(const Shape& s, const std::vector<S>& v) {
  auto t = TensorT<S>::zeros(s);
  tensor::from_host(t, v);
  return t;
}

template <class S>
Var<S> mean_all(Tape<S>& tape, const Var<S>& x) {
  std::vector<int> axes;
  for (int a = 0; a < x->shape().rank(); ++a) axes.push_back(a);
  return ops::mean(tape, x, axes);
}

// u = mlp(x) sin(pi x0) + 0.5 x1 on jets: exercises slice, scale, mul and add as a hard
// boundary factor would.
template <class S>
Jet<S> composite(Tape<S>& tape, models::CoordinateMlp<S>& mlp, const Jet<S>& x) {
  const Jet<S> wall = ops::jet_activation(
      tape, ops::jet_scale(tape, ops::jet_slice(tape, x, 0, 1), S(kPi)), Activation::sin);
  return ops::jet_add(tape, ops::jet_mul(tape, mlp.forward(tape, x), wall),
                      ops::jet_scale(tape, ops::jet_slice(tape, x, 1, 2), S(0.5)));
}

// The same function by plain ops on the value alone (the reference for finite differences).
Var<double> composite_value(Tape<double>& tape, models::CoordinateMlp<double>& mlp,
                            const Var<double>& x) {
  const Var<double> wall = ops::sin(tape, ops::scale(tape, ops::slice(tape, x, -1, 0, 1), kPi));
  return ops::add(tape, ops::mul(tape, mlp.value(tape, x), wall),
                  ops::scale(tape, ops::slice(tape, x, -1, 1, 2), 0.5));
}

// Checks the jet of f against central differences of value(x) in every coordinate: first
// derivatives with h = 1e-5 (error ~h^2 u''' + eps/h ~ 1e-10), second with h = 1e-4 (error
// ~h^2 u''''/12 + 4 eps/h^2 ~ 1e-8): tolerances 1e-7 and 1e-6 on values of order 1.
template <class JetFn, class ValueFn>
void expect_jet_matches_differences(const Shape& xs, JetFn jet_of, ValueFn value_of,
                                    const std::string& what) {
  std::mt19937 rng(7);
  const auto x0 = random_values(static_cast<std::size_t>(xs.numel()), rng);
  const Index D = xs[-1];
  Tape<double> tape(false);
  const Jet<double> u = jet_of(tape, tape.input(tensor_of(xs, x0)));
  auto at = [&](const std::vector<double>& x) {
    Tape<double> t(false);
    return tensor::to_host(value_of(t, t.input(tensor_of(xs, x)))->value);
  };
  const auto u0 = at(x0);
  const auto value = tensor::to_host(u.value->value);
  ASSERT_EQ(value.size(), u0.size());
  for (std::size_t k = 0; k < u0.size(); ++k) EXPECT_NEAR(value[k], u0[k], 1e-12) << what;
  const auto lap = tensor::to_host(ops::laplacian(tape, u)->value);
  std::vector<double> lap_fd(u0.size(), 0.0);
  const Index P = xs.numel() / D, C = u.value->shape()[-1];
  for (Index i = 0; i < D; ++i) {
    const auto d1 = tensor::to_host(ops::jet_derivative(tape, u, i)->value);
    const auto d2 = tensor::to_host(ops::jet_second_derivative(tape, u, i)->value);
    auto shifted = [&](double h) {
      auto x = x0;
      for (Index p = 0; p < P; ++p) x[static_cast<std::size_t>(p * D + i)] += h;
      return at(x);
    };
    const auto p1 = shifted(1e-5), m1 = shifted(-1e-5), p2 = shifted(1e-4), m2 = shifted(-1e-4);
    for (std::size_t k = 0; k < u0.size(); ++k) {
      EXPECT_NEAR(d1[k], (p1[k] - m1[k]) / 2e-5, 1e-7)
          << what << ": du/dx" << i << " at point " << k / static_cast<std::size_t>(C);
      const double fd2 = (p2[k] - 2 * u0[k] + m2[k]) / 1e-8;
      EXPECT_NEAR(d2[k], fd2, 1e-6 * std::max(1.0, std::abs(fd2)))
          << what << ": d2u/dx" << i << "2 at point " << k / static_cast<std::size_t>(C);
      lap_fd[k] += fd2;
    }
  }
  for (std::size_t k = 0; k < u0.size(); ++k)
    EXPECT_NEAR(lap[k], lap_fd[k], 1e-6 * std::max(1.0, std::abs(lap_fd[k]))) << what;
}

TEST(CoordinateDerivatives, MlpJetMatchesCentralDifferencesForEveryActivation) {
  // Points (2, 3, D=3) with a leading batch axis; 2 output channels; 2 hidden layers, so that
  // second derivatives pass through two nonlinearities.
  for (Activation f : kActivations) {
    models::CoordinateMlp<double> mlp({3, 6, 2, 2, f}, 11);
    expect_jet_matches_differences(
        Shape{2, 3, 3},
        [&](Tape<double>& t, const Var<double>& x) {
          return mlp.forward(t, ops::coordinate_jet(t, x, 2));
        },
        [&](Tape<double>& t, const Var<double>& x) { return mlp.value(t, x); },
        ops::activation_name(f));
  }
}

TEST(CoordinateDerivatives, ProductsSumsAndSlicesOfJetsMatchCentralDifferences) {
  models::CoordinateMlp<double> mlp({2, 5, 1, 3, Activation::tanh}, 12);
  expect_jet_matches_differences(
      Shape{7, 2},
      [&](Tape<double>& t, const Var<double>& x) {
        return composite(t, mlp, ops::coordinate_jet(t, x, 2));
      },
      [&](Tape<double>& t, const Var<double>& x) { return composite_value(t, mlp, x); },
      "mlp * sin(pi x0) + x1 / 2");
}

TEST(CoordinateDerivatives, FirstOrderJetCarriesTheSameFirstDerivatives) {
  models::CoordinateMlp<double> mlp({2, 4, 2, 1, Activation::gelu}, 13);
  std::mt19937 rng(3);
  const auto x = tensor_of(Shape{5, 2}, random_values(10, rng));
  Tape<double> tape(false);
  const auto u1 = mlp.forward(tape, ops::coordinate_jet(tape, tape.input(x), 1));
  const auto u2 = mlp.forward(tape, ops::coordinate_jet(tape, tape.input(x), 2));
  EXPECT_FALSE(u1.d2);
  const auto a = tensor::to_host(u1.d1->value), b = tensor::to_host(u2.d1->value);
  for (std::size_t k = 0; k < a.size(); ++k) EXPECT_EQ(a[k], b[k]);
  EXPECT_THROW(ops::laplacian(tape, u1), std::exception);
  EXPECT_THROW(ops::jet_derivative(tape, u2, 2), std::exception);
  EXPECT_THROW(
      mlp.forward(tape, ops::coordinate_jet(
                            tape, tape.input(tensor_of(Shape{5, 1}, std::vector<double>(5))))),
      std::exception);
}

// Reverse pass through the jets: the gradient of (value, d1, d2) with a random upstream
// gradient, with respect to the coordinates and every weight, against finite differences.
TEST(CoordinateDerivatives, GradientsThroughJetsMatchFiniteDifferences) {
  const Index D = 2, W = 5, C = 3;
  const std::vector<Shape> shapes = {Shape{4, D}, Shape{W, D}, Shape{W}, Shape{W, W},
                                     Shape{W},    Shape{C, W}, Shape{C}};
  auto flat = [](Tape<double>& t, const Var<double>& v) {
    return ops::reshape(t, v, Shape{v->value.numel()});
  };
  unsigned seed = 20;
  for (int order : {1, 2})
    for (Activation f : kActivations)
      expect_gradients(
          shapes,
          [&](Tape<double>& t, const V& v) {
            Jet<double> h = ops::coordinate_jet(t, v[0], order);
            for (int l = 0; l < 3; ++l) {
              h = ops::jet_linear(t, h, v[static_cast<std::size_t>(1 + 2 * l)],
                                  v[static_cast<std::size_t>(2 + 2 * l)]);
              if (l < 2) h = ops::jet_activation(t, h, f);
            }
            // A product with a coordinate factor, as a hard boundary condition would add.
            h = ops::jet_mul(t, h, ops::jet_scale(t, ops::jet_slice(t, h, 0, 1), 0.5, 1.0));
            std::vector<Var<double>> parts = {flat(t, h.value), flat(t, h.d1)};
            if (order == 2) parts.push_back(flat(t, h.d2));
            return ops::concat(t, parts, 0);
          },
          seed++);
}

// 2-D Poisson problem on the unit square: Laplacian(u) = f with u = 0 on the walls, exact
// solution u* = sin(pi x) sin(pi y), f = -2 pi^2 u*. Collocation on an n x n grid inside, the
// walls sampled at the same spacing.
double exact(double x, double y) {
  return std::sin(kPi * x) * std::sin(kPi * y);
}

template <class S>
struct Poisson {
  TensorT<S> inside, f, walls;  // (Ni, 2), (Ni, 1), (Nb, 2)
  explicit Poisson(Index n) {
    std::vector<S> xi, fi, xb;
    for (Index a = 1; a < n; ++a)
      for (Index b = 1; b < n; ++b) {
        const double x = double(a) / double(n), y = double(b) / double(n);
        xi.insert(xi.end(), {S(x), S(y)});
        fi.push_back(S(-2 * kPi * kPi * exact(x, y)));
      }
    for (Index a = 0; a < n; ++a) {
      const S s = S(double(a) / double(n)), r = S(1) - s;  // each wall once, corners once
      xb.insert(xb.end(), {s, S(0), S(1), s, r, S(1), S(0), r});
    }
    inside = tensor_of(Shape{Index(fi.size()), 2}, xi);
    f = tensor_of(Shape{Index(fi.size()), 1}, fi);
    walls = tensor_of(Shape{Index(xb.size() / 2), 2}, xb);
  }
};

// mean((Laplacian(u) - f)^2) / (2 pi^2)^2 + mean(u^2 on the walls): the residual scaled so
// that both terms start at order 1.
template <class S>
Var<S> poisson_loss(Tape<S>& tape, models::CoordinateMlp<S>& mlp, const Poisson<S>& p) {
  const Jet<S> u = mlp.forward(tape, ops::coordinate_jet(tape, tape.input(p.inside), 2));
  const Var<S> r = ops::scale(tape, ops::sub(tape, ops::laplacian(tape, u), tape.input(p.f)),
                              S(1 / (2 * kPi * kPi)));
  const Var<S> ub = mlp.value(tape, tape.input(p.walls));
  return ops::add(tape, mean_all(tape, ops::square(tape, r)),
                  mean_all(tape, ops::square(tape, ub)));
}

TEST(CoordinateDerivatives, PoissonLossParameterGradientsMatchFiniteDifferences) {
  // Every parameter of the model (flat buffer) against central differences of the loss; h =
  // 1e-5 on a loss of order 1: error ~1e-10, tolerance 1e-7 relative.
  for (Activation f : {Activation::tanh, Activation::gelu}) {
    models::CoordinateMlp<double> mlp({2, 6, 2, 1, f}, 21);
    const Poisson<double> p(5);
    auto& params = mlp.parameters();
    Tape<double> tape;
    params.zero_grad();
    tape.backward(poisson_loss(tape, mlp, p));
    const TensorT<double> values(Shape{params.size()}, params.values());
    const auto grads = tensor::to_host(TensorT<double>(Shape{params.size()}, params.grads()));
    auto w = tensor::to_host(values);
    auto loss = [&]() {
      tensor::from_host(values, w);
      Tape<double> t(false);
      return tensor::to_host(poisson_loss(t, mlp, p)->value)[0];
    };
    // Only parameters, not the alignment padding between them.
    for (const auto& e : params.entries())
      for (Index k = 0; k < e.var->value.numel(); ++k) {
        const auto i = static_cast<std::size_t>(e.offset + k);
        const double w0 = w[i];
        w[i] = w0 + 1e-5;
        const double lp = loss();
        w[i] = w0 - 1e-5;
        const double lm = loss();
        w[i] = w0;
        const double fd = (lp - lm) / 2e-5;
        EXPECT_NEAR(grads[i], fd, 1e-7 * std::max(1.0, std::abs(fd)))
            << ops::activation_name(f) << " " << e.name << "[" << k << "]";
      }
    tensor::from_host(values, w);
  }
}

// Relative L2 error of the network against u* on a 21 x 21 grid including the walls.
double relative_error(models::CoordinateMlp<float>& mlp) {
  std::vector<float> x;
  std::vector<double> ref;
  for (int a = 0; a <= 20; ++a)
    for (int b = 0; b <= 20; ++b) {
      x.insert(x.end(), {float(a) / 20, float(b) / 20});
      ref.push_back(exact(a / 20.0, b / 20.0));
    }
  Tape<float> tape(false);
  const auto u = tensor::to_host(
      mlp.value(tape, tape.input(tensor_of(Shape{Index(ref.size()), 2}, x)))->value);
  double num = 0, den = 0;
  for (std::size_t k = 0; k < ref.size(); ++k) {
    const double e = static_cast<double>(u[k]) - ref[k];
    num += e * e;
    den += ref[k] * ref[k];
  }
  return std::sqrt(num / den);
}

TEST(CoordinateDerivatives, AdamOnThePoissonResidualFindsTheExactSolution) {
  // Physics only (no values of u* inside): float, tanh MLP 2-16-16-1, 400 Adam steps.
  models::CoordinateMlp<float> mlp({2, 16, 2, 1, Activation::tanh}, 5);
  const Poisson<float> p(12);
  auto& params = mlp.parameters();
  surrogates::Optimizer adam({}, params.size());
  const double e0 = relative_error(mlp);
  Tape<float> tape;
  double first = 0, last = 0;
  for (int step = 0; step < 400; ++step) {
    params.zero_grad();
    const Var<float> loss = poisson_loss(tape, mlp, p);
    last = tensor::to_host(loss->value)[0];
    if (step == 0) first = last;
    tape.backward(loss);
    adam.step(params.values(), params.grads(), 1e-2);
    tape.reset();
  }
  const double e1 = relative_error(mlp);
  std::printf("loss %.3e -> %.3e, relative L2 error %.3e -> %.3e\n", first, last, e0, e1);
  EXPECT_LT(last, 1e-2 * first);
  EXPECT_LT(e1, 0.05 * e0);
}

}  // namespace
