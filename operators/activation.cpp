// Pointwise nonlinearities: one forward and one backward kernel per function, the derivative
// written next to the function. The backward reads the saved input (not the output), so that
// the forward never has to keep a second tensor.
//
// The derivatives of gelu, silu and tanh are ops too (dgelu, d2gelu, ...), each with its own
// backward (the next derivative), so that forward-mode tangents built from them (coordinate
// derivatives for DGNO, operators/coordinate_derivatives.hpp) can themselves be differentiated
// by the reverse pass.
#include <cmath>

#include "operators/gelu_math.hpp"
#include "operators/op_util.hpp"
#include "operators/ops.hpp"

namespace eddyop::ops {

using namespace detail;

namespace {

// The d* entries are the first and second derivatives of gelu, silu and tanh, as ops.
enum class Unary {
  gelu,
  silu,
  tanh,
  sin,
  cos,
  sqrt,
  square,
  dgelu,
  d2gelu,
  dsilu,
  d2silu,
  dtanh,
  d2tanh
};

// phi(x), the standard normal density (GELU's higher derivatives are phi times a polynomial).
template <class T>
KOKKOS_INLINE_FUNCTION T normal_density(T x) {
  return T(0.39894228040143267794) * std::exp(T(-0.5) * x * x);
}
template <>
KOKKOS_INLINE_FUNCTION float normal_density<float>(float x) {
  return 0.39894228040143267794f * exp_fast(-0.5f * x * x);
}

// With s = sigmoid(x): silu'' = s (1-s) (2 + x (1-2s)),
// silu''' = s (1-s) (3 (1-2s) + x (1 - 6s + 6s^2)).
template <class T>
KOKKOS_INLINE_FUNCTION T silu_second(T x) {
  const T s = T(1) / (T(1) + std::exp(-x));
  return s * (T(1) - s) * (T(2) + x * (T(1) - T(2) * s));
}
template <class T>
KOKKOS_INLINE_FUNCTION T silu_third(T x) {
  const T s = T(1) / (T(1) + std::exp(-x));
  return s * (T(1) - s) * (T(3) * (T(1) - T(2) * s) + x * (T(1) - T(6) * s + T(6) * s * s));
}

// The function is a template argument, so that each kernel is a plain loop the compiler can
// vectorise (a runtime switch inside the loop keeps it scalar).
template <Unary f, class T>
KOKKOS_INLINE_FUNCTION T value(T x) {
  using std::cos, std::exp, std::sin, std::sqrt, std::tanh;
  switch (f) {
    case Unary::gelu:
      return gelu_value(x);
    case Unary::silu:
      return x / (T(1) + exp(-x));
    case Unary::tanh:
      return tanh(x);
    case Unary::sin:
      return sin(x);
    case Unary::cos:
      return cos(x);
    case Unary::sqrt:
      return sqrt(x);
    case Unary::square:
      return x * x;
    case Unary::dgelu:  // Phi(x) + x phi(x)
      return gelu_derivative(x);
    case Unary::d2gelu:  // phi(x) (2 - x^2)
      return normal_density(x) * (T(2) - x * x);
    case Unary::dsilu: {
      const T s = T(1) / (T(1) + exp(-x));
      return s * (T(1) + x * (T(1) - s));
    }
    case Unary::d2silu:
      return silu_second(x);
    case Unary::dtanh: {  // 1 - tanh^2
      const T t = tanh(x);
      return T(1) - t * t;
    }
    default: {  // d2tanh: -2 tanh (1 - tanh^2)
      const T t = tanh(x);
      return T(-2) * t * (T(1) - t * t);
    }
  }
}

template <Unary f, class T>
KOKKOS_INLINE_FUNCTION T derivative(T x) {
  using std::cos, std::exp, std::sin, std::sqrt, std::tanh;
  switch (f) {
    case Unary::gelu:  // Phi(x) + x phi(x)
      return gelu_derivative(x);
    case Unary::silu: {
      const T s = T(1) / (T(1) + exp(-x));
      return s * (T(1) + x * (T(1) - s));
    }
    case Unary::tanh: {
      const T t = tanh(x);
      return T(1) - t * t;
    }
    case Unary::sin:
      return cos(x);
    case Unary::cos:
      return -sin(x);
    case Unary::sqrt:
      return T(0.5) / sqrt(x);
    case Unary::square:
      return T(2) * x;
    case Unary::dgelu:
      return normal_density(x) * (T(2) - x * x);
    case Unary::d2gelu:  // phi(x) (x^3 - 4x)
      return normal_density(x) * x * (x * x - T(4));
    case Unary::dsilu:
      return silu_second(x);
    case Unary::d2silu:
      return silu_third(x);
    case Unary::dtanh: {
      const T t = tanh(x);
      return T(-2) * t * (T(1) - t * t);
    }
    default: {  // d2tanh: (1 - tanh^2) (6 tanh^2 - 2)
      const T t = tanh(x);
      return (T(1) - t * t) * (T(6) * t * t - T(2));
    }
  }
}

template <Unary f, class T>
Var<T> unary(Tape<T>& tape, const Var<T>& x) {
  auto y = tape.make(x->shape(), tape.needs_grad(x));
  const Index n = x->value.numel();
  const T* xp = x->value.ptr();
  T* yp = y->value.ptr();
  Kokkos::parallel_for(
      "eddyop::unary::forward", range(n), KOKKOS_LAMBDA(Index i) { yp[i] = value<f>(xp[i]); });
  if (y->requires_grad)
    tape.record("eddyop::unary::backward", [&tape, x, y, n]() {
      if (!reached(y)) return;
      T* gx = tape.grad(x).ptr();
      const T* g = y->grad.ptr();
      const T* xv = x->value.ptr();
      Kokkos::parallel_for(
          "eddyop::unary::backward", range(n),
          KOKKOS_LAMBDA(Index i) { gx[i] += g[i] * derivative<f>(xv[i]); });
    });
  return y;
}

}  // namespace

template <class T>
Var<T> gelu(Tape<T>& tape, const Var<T>& x) {
  return unary<Unary::gelu>(tape, x);
}
template <class T>
Var<T> silu(Tape<T>& tape, const Var<T>& x) {
  return unary<Unary::silu>(tape, x);
}
template <class T>
Var<T> tanh(Tape<T>& tape, const Var<T>& x) {
  return unary<Unary::tanh>(tape, x);
}
template <class T>
Var<T> sin(Tape<T>& tape, const Var<T>& x) {
  return unary<Unary::sin>(tape, x);
}
template <class T>
Var<T> cos(Tape<T>& tape, const Var<T>& x) {
  return unary<Unary::cos>(tape, x);
}
template <class T>
Var<T> sqrt(Tape<T>& tape, const Var<T>& x) {
  return unary<Unary::sqrt>(tape, x);
}
template <class T>
Var<T> square(Tape<T>& tape, const Var<T>& x) {
  return unary<Unary::square>(tape, x);
}

template <class T>
Var<T> dgelu(Tape<T>& tape, const Var<T>& x) {
  return unary<Unary::dgelu>(tape, x);
}
template <class T>
Var<T> d2gelu(Tape<T>& tape, const Var<T>& x) {
  return unary<Unary::d2gelu>(tape, x);
}
template <class T>
Var<T> dsilu(Tape<T>& tape, const Var<T>& x) {
  return unary<Unary::dsilu>(tape, x);
}
template <class T>
Var<T> d2silu(Tape<T>& tape, const Var<T>& x) {
  return unary<Unary::d2silu>(tape, x);
}
template <class T>
Var<T> dtanh(Tape<T>& tape, const Var<T>& x) {
  return unary<Unary::dtanh>(tape, x);
}
template <class T>
Var<T> d2tanh(Tape<T>& tape, const Var<T>& x) {
  return unary<Unary::d2tanh>(tape, x);
}

#define EDDYOP_INSTANTIATE(T)                         \
  template Var<T> gelu<T>(Tape<T>&, const Var<T>&);   \
  template Var<T> silu<T>(Tape<T>&, const Var<T>&);   \
  template Var<T> tanh<T>(Tape<T>&, const Var<T>&);   \
  template Var<T> sin<T>(Tape<T>&, const Var<T>&);    \
  template Var<T> cos<T>(Tape<T>&, const Var<T>&);    \
  template Var<T> sqrt<T>(Tape<T>&, const Var<T>&);   \
  template Var<T> square<T>(Tape<T>&, const Var<T>&); \
  template Var<T> dgelu<T>(Tape<T>&, const Var<T>&);  \
  template Var<T> d2gelu<T>(Tape<T>&, const Var<T>&); \
  template Var<T> dsilu<T>(Tape<T>&, const Var<T>&);  \
  template Var<T> d2silu<T>(Tape<T>&, const Var<T>&); \
  template Var<T> dtanh<T>(Tape<T>&, const Var<T>&);  \
  template Var<T> d2tanh<T>(Tape<T>&, const Var<T>&);
EDDYOP_INSTANTIATE(float)
EDDYOP_INSTANTIATE(double)

}  // namespace eddyop::ops
