// Pointwise nonlinearities: one forward and one backward kernel per function, the derivative
// written next to the function. The backward reads the saved input (not the output), so that
// the forward never has to keep a second tensor.
#include <cmath>

#include "operators/gelu_math.hpp"
#include "operators/op_util.hpp"
#include "operators/ops.hpp"

namespace eddyop::ops {

using namespace detail;

namespace {

enum class Unary { gelu, silu, tanh, sin, cos, sqrt, square };

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
    default:
      return x * x;
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
    default:
      return T(2) * x;
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

#define EDDYOP_INSTANTIATE(T)                       \
  template Var<T> gelu<T>(Tape<T>&, const Var<T>&); \
  template Var<T> silu<T>(Tape<T>&, const Var<T>&); \
  template Var<T> tanh<T>(Tape<T>&, const Var<T>&); \
  template Var<T> sin<T>(Tape<T>&, const Var<T>&);  \
  template Var<T> cos<T>(Tape<T>&, const Var<T>&);  \
  template Var<T> sqrt<T>(Tape<T>&, const Var<T>&); \
  template Var<T> square<T>(Tape<T>&, const Var<T>&);
EDDYOP_INSTANTIATE(float)
EDDYOP_INSTANTIATE(double)

}  // namespace eddyop::ops
