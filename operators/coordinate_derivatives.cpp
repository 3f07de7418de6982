// Forward-mode jets (value, first and pure second coordinate derivatives) built from
// differentiable ops; see coordinate_derivatives.hpp for the rules.
#include "operators/coordinate_derivatives.hpp"

#include "operators/op_util.hpp"

namespace eddyop::ops {

using namespace detail;

namespace {

// (D, s...): the shape of a derivative of a value of shape s.
Shape tangent_shape(Index D, const Shape& s) {
  std::vector<Index> sizes{D};
  sizes.insert(sizes.end(), s.sizes().begin(), s.sizes().end());
  return Shape(sizes);
}

template <class T>
void check_jet(const Jet<T>& a, const char* what) {
  EDDYOP_CHECK(a.value && a.d1, "coordinate_derivatives",
               what << ": the jet has no value or no first derivatives");
  EDDYOP_CHECK(a.order == 1 || a.order == 2, "coordinate_derivatives",
               what << ": order " << a.order << " (1 or 2)");
  EDDYOP_CHECK(a.d1->shape() == tangent_shape(a.d1->shape()[0], a.value->shape()),
               "coordinate_derivatives",
               what << ": derivatives " << a.d1->shape().str() << " do not match value "
                    << a.value->shape().str() << " (expected (D, value...))");
}

template <class T>
void check_pair(const Jet<T>& a, const Jet<T>& b, const char* what) {
  check_jet(a, what);
  check_jet(b, what);
  EDDYOP_CHECK(a.coordinates() == b.coordinates() && a.order == b.order, "coordinate_derivatives",
               what << ": jets over " << a.coordinates() << " and " << b.coordinates()
                    << " coordinates, of order " << a.order << " and " << b.order);
  // Equal ranks, so that broadcasting the values and the (D, ...) derivatives agree.
  EDDYOP_CHECK(a.value->shape().rank() == b.value->shape().rank(), "coordinate_derivatives",
               what << ": values " << a.value->shape().str() << " and " << b.value->shape().str()
                    << " differ in rank (broadcast with size-1 axes instead)");
}

// a + b where either may be null (zero); null when both are.
template <class T>
Var<T> add_or_null(Tape<T>& tape, const Var<T>& a, const Var<T>& b) {
  if (!a) return b;
  if (!b) return a;
  return add(tape, a, b);
}

}  // namespace

Activation parse_activation(const std::string& name) {
  if (name == "gelu") return Activation::gelu;
  if (name == "silu") return Activation::silu;
  if (name == "tanh") return Activation::tanh;
  if (name == "sin") return Activation::sin;
  if (name == "cos") return Activation::cos;
  EDDYOP_CHECK(false, "coordinate_derivatives",
               "unknown activation '" << name << "' (gelu, silu, tanh, sin, cos)");
  return Activation::gelu;
}

const char* activation_name(Activation f) {
  switch (f) {
    case Activation::gelu:
      return "gelu";
    case Activation::silu:
      return "silu";
    case Activation::tanh:
      return "tanh";
    case Activation::sin:
      return "sin";
    default:
      return "cos";
  }
}

template <class T>
Var<T> activate(Tape<T>& tape, const Var<T>& x, Activation f) {
  switch (f) {
    case Activation::gelu:
      return gelu(tape, x);
    case Activation::silu:
      return silu(tape, x);
    case Activation::tanh:
      return tanh(tape, x);
    case Activation::sin:
      return sin(tape, x);
    default:
      return cos(tape, x);
  }
}

template <class T>
Jet<T> coordinate_jet(Tape<T>& tape, const Var<T>& x, int order) {
  EDDYOP_CHECK(x && x->shape().rank() >= 1, "coordinate_derivatives",
               "coordinate_jet: x must have shape (..., D)");
  EDDYOP_CHECK(order == 1 || order == 2, "coordinate_derivatives",
               "coordinate_jet: order " << order << " (1 or 2)");
  const Index D = x->shape()[-1];
  const Index P = x->value.numel() / D;
  auto e = tape.zeros(tangent_shape(D, x->shape()));  // e[i, p, j] = delta_ij
  T* ep = e.ptr();
  Kokkos::parallel_for(
      "eddyop::coordinate_jet::identity", range(D * P),
      KOKKOS_LAMBDA(Index k) { ep[k * D + k / P] = T(1); });
  Jet<T> j;
  j.value = x;
  j.d1 = tape.input(e, false);
  j.order = order;
  return j;
}

template <class T>
Jet<T> jet_linear(Tape<T>& tape, const Jet<T>& a, const Var<T>& w, const Var<T>& b) {
  check_jet(a, "jet_linear");
  Jet<T> y;
  y.order = a.order;
  y.value = linear(tape, a.value, w, b);
  y.d1 = linear(tape, a.d1, w, Var<T>());
  if (a.d2) y.d2 = linear(tape, a.d2, w, Var<T>());
  return y;
}

template <class T>
Jet<T> jet_activation(Tape<T>& tape, const Jet<T>& a, Activation f) {
  check_jet(a, "jet_activation");
  const Var<T>& z = a.value;
  Jet<T> y;
  y.order = a.order;
  Var<T> f1, f2;  // f'(z), f''(z)
  switch (f) {    // y.value first, then f' and f'' (reusing the value where that is f'')
    case Activation::gelu:
      y.value = gelu(tape, z);
      f1 = dgelu(tape, z);
      if (a.order == 2) f2 = d2gelu(tape, z);
      break;
    case Activation::silu:
      y.value = silu(tape, z);
      f1 = dsilu(tape, z);
      if (a.order == 2) f2 = d2silu(tape, z);
      break;
    case Activation::tanh:
      y.value = tanh(tape, z);
      f1 = dtanh(tape, z);
      if (a.order == 2) f2 = d2tanh(tape, z);
      break;
    case Activation::sin:
      y.value = sin(tape, z);
      f1 = cos(tape, z);
      if (a.order == 2) f2 = scale(tape, y.value, T(-1));
      break;
    case Activation::cos:
      y.value = cos(tape, z);
      f1 = scale(tape, sin(tape, z), T(-1));
      if (a.order == 2) f2 = scale(tape, y.value, T(-1));
      break;
  }
  y.d1 = mul(tape, f1, a.d1);
  if (a.order == 2) {
    Var<T> s = mul(tape, f2, square(tape, a.d1));
    if (a.d2) s = add(tape, s, mul(tape, f1, a.d2));
    y.d2 = s;
  }
  return y;
}

template <class T>
Jet<T> jet_add(Tape<T>& tape, const Jet<T>& a, const Jet<T>& b) {
  check_pair(a, b, "jet_add");
  Jet<T> y;
  y.order = a.order;
  y.value = add(tape, a.value, b.value);
  y.d1 = add(tape, a.d1, b.d1);
  y.d2 = add_or_null(tape, a.d2, b.d2);
  return y;
}

template <class T>
Jet<T> jet_mul(Tape<T>& tape, const Jet<T>& a, const Jet<T>& b) {
  check_pair(a, b, "jet_mul");
  Jet<T> y;
  y.order = a.order;
  y.value = mul(tape, a.value, b.value);
  y.d1 = add(tape, mul(tape, a.value, b.d1), mul(tape, b.value, a.d1));
  if (a.order == 2) {
    Var<T> s = scale(tape, mul(tape, a.d1, b.d1), T(2));
    if (b.d2) s = add(tape, s, mul(tape, a.value, b.d2));
    if (a.d2) s = add(tape, s, mul(tape, b.value, a.d2));
    y.d2 = s;
  }
  return y;
}

template <class T>
Jet<T> jet_scale(Tape<T>& tape, const Jet<T>& a, T s, T c) {
  check_jet(a, "jet_scale");
  Jet<T> y;
  y.order = a.order;
  y.value = scale(tape, a.value, s, c);
  y.d1 = scale(tape, a.d1, s);
  if (a.d2) y.d2 = scale(tape, a.d2, s);
  return y;
}

template <class T>
Jet<T> jet_slice(Tape<T>& tape, const Jet<T>& a, Index begin, Index end) {
  check_jet(a, "jet_slice");
  Jet<T> y;
  y.order = a.order;
  y.value = slice(tape, a.value, -1, begin, end);
  y.d1 = slice(tape, a.d1, -1, begin, end);
  if (a.d2) y.d2 = slice(tape, a.d2, -1, begin, end);
  return y;
}

template <class T>
Var<T> jet_derivative(Tape<T>& tape, const Jet<T>& u, Index i) {
  check_jet(u, "jet_derivative");
  EDDYOP_CHECK(i >= 0 && i < u.coordinates(), "coordinate_derivatives",
               "jet_derivative: coordinate " << i << " of " << u.coordinates());
  return reshape(tape, slice(tape, u.d1, 0, i, i + 1), u.value->shape());
}

template <class T>
Var<T> jet_second_derivative(Tape<T>& tape, const Jet<T>& u, Index i) {
  check_jet(u, "jet_second_derivative");
  EDDYOP_CHECK(u.order == 2, "coordinate_derivatives",
               "jet_second_derivative: the jet carries first derivatives only (order 1)");
  EDDYOP_CHECK(i >= 0 && i < u.coordinates(), "coordinate_derivatives",
               "jet_second_derivative: coordinate " << i << " of " << u.coordinates());
  if (!u.d2) return tape.input(tape.zeros(u.value->shape()), false);
  return reshape(tape, slice(tape, u.d2, 0, i, i + 1), u.value->shape());
}

template <class T>
Var<T> laplacian(Tape<T>& tape, const Jet<T>& u) {
  check_jet(u, "laplacian");
  EDDYOP_CHECK(u.order == 2, "coordinate_derivatives",
               "laplacian: the jet carries first derivatives only (order 1)");
  if (!u.d2) return tape.input(tape.zeros(u.value->shape()), false);
  return sum(tape, u.d2, {0});
}

#define EDDYOP_INSTANTIATE(T)                                                           \
  template Jet<T> coordinate_jet<T>(Tape<T>&, const Var<T>&, int);                      \
  template Jet<T> jet_linear<T>(Tape<T>&, const Jet<T>&, const Var<T>&, const Var<T>&); \
  template Var<T> activate<T>(Tape<T>&, const Var<T>&, Activation);                     \
  template Jet<T> jet_activation<T>(Tape<T>&, const Jet<T>&, Activation);               \
  template Jet<T> jet_add<T>(Tape<T>&, const Jet<T>&, const Jet<T>&);                   \
  template Jet<T> jet_mul<T>(Tape<T>&, const Jet<T>&, const Jet<T>&);                   \
  template Jet<T> jet_scale<T>(Tape<T>&, const Jet<T>&, T, T);                          \
  template Jet<T> jet_slice<T>(Tape<T>&, const Jet<T>&, Index, Index);                  \
  template Var<T> jet_derivative<T>(Tape<T>&, const Jet<T>&, Index);                    \
  template Var<T> jet_second_derivative<T>(Tape<T>&, const Jet<T>&, Index);             \
  template Var<T> laplacian<T>(Tape<T>&, const Jet<T>&);
EDDYOP_INSTANTIATE(float)
EDDYOP_INSTANTIATE(double)

}  // namespace eddyop::ops
