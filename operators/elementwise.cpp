// Broadcasting arithmetic (NumPy rules). Equal shapes take a flat loop, and so does an operand b
// repeated along the leading axes of a (b's index is the output's modulo b's size); otherwise
// every output index is mapped to each operand through strides that are 0 along broadcast axes, and
// the backward scatters with atomics, since several outputs share one operand value there.
#include <algorithm>

#include "operators/op_util.hpp"
#include "operators/ops.hpp"

namespace eddyop::ops {

using namespace detail;

namespace {

enum class Binary { add, sub, mul, div };

Shape broadcast_shape(const Shape& a, const Shape& b, const char* op) {
  const int r = std::max(a.rank(), b.rank());
  std::vector<Index> s(static_cast<std::size_t>(r));
  for (int i = 0; i < r; ++i) {
    const int ia = i - (r - a.rank()), ib = i - (r - b.rank());
    const Index sa = ia >= 0 ? a[ia] : 1, sb = ib >= 0 ? b[ib] : 1;
    EDDYOP_CHECK(sa == sb || sa == 1 || sb == 1, op,
                 "shapes " << a.str() << " and " << b.str() << " do not broadcast");
    s[static_cast<std::size_t>(i)] = sa == 1 ? sb : sa;
  }
  return Shape(s);
}

// True when b's shape is the trailing part of y's (b repeats along y's leading axes).
bool suffix_of(const Shape& b, const Shape& y) {
  if (b.rank() > y.rank()) return false;
  for (int i = 1; i <= b.rank(); ++i)
    if (b[b.rank() - i] != y[y.rank() - i]) return false;
  return true;
}

// Output-index strides of an operand: 0 along axes it is broadcast over.
Dims operand_dims(const Shape& out, const Shape& in) {
  Dims d = dims_of(out);
  Dims di = dims_of(in);
  const int off = out.rank() - in.rank();
  for (int a = 0; a < out.rank(); ++a) {
    const int ai = a - off;
    d.stride[a] = (ai < 0 || in[ai] == 1) ? 0 : di.stride[ai];
  }
  return d;
}

KOKKOS_INLINE_FUNCTION Index map_index(const Dims& d, Index i) {
  Index j = 0;
  for (int a = d.rank - 1; a >= 0; --a) {
    j += (i % d.size[a]) * d.stride[a];
    i /= d.size[a];
  }
  return j;
}

template <class T>
KOKKOS_INLINE_FUNCTION T apply(Binary op, T a, T b) {
  switch (op) {
    case Binary::add:
      return a + b;
    case Binary::sub:
      return a - b;
    case Binary::mul:
      return a * b;
    default:
      return a / b;
  }
}

// d(a op b)/da and /db.
template <class T>
KOKKOS_INLINE_FUNCTION T da_of(Binary op, T, T b) {
  return op == Binary::mul ? b : op == Binary::div ? T(1) / b : T(1);
}
template <class T>
KOKKOS_INLINE_FUNCTION T db_of(Binary op, T a, T b) {
  return op == Binary::mul   ? a
         : op == Binary::div ? -a / (b * b)
         : op == Binary::sub ? T(-1)
                             : T(1);
}

template <class T>
Var<T> binary(Tape<T>& tape, const Var<T>& a, const Var<T>& b, Binary op, const char* name) {
  const Shape ys = broadcast_shape(a->shape(), b->shape(), name);
  auto y = tape.make(ys, tape.needs_grad(a) || tape.needs_grad(b));
  const Index n = ys.numel();
  const T* ap = a->value.ptr();
  const T* bp = b->value.ptr();
  T* yp = y->value.ptr();
  const bool same = a->shape() == ys && b->shape() == ys;
  // b repeated along a's leading axes (a field plus one (N, C) term per sample, say): b's index
  // is the output's modulo nb, and b's gradient sums over the repeats without atomics.
  const bool rows = !same && a->shape() == ys && suffix_of(b->shape(), ys);
  const Index nb = b->shape().numel();
  const Dims da = operand_dims(ys, a->shape()), db = operand_dims(ys, b->shape());
  if (same)
    Kokkos::parallel_for(
        "eddyop::binary::forward", range(n),
        KOKKOS_LAMBDA(Index i) { yp[i] = apply(op, ap[i], bp[i]); });
  else if (rows)
    Kokkos::parallel_for(
        "eddyop::binary::forward::rows", range(n),
        KOKKOS_LAMBDA(Index i) { yp[i] = apply(op, ap[i], bp[i % nb]); });
  else
    Kokkos::parallel_for(
        "eddyop::binary::forward::broadcast", range(n),
        KOKKOS_LAMBDA(Index i) { yp[i] = apply(op, ap[map_index(da, i)], bp[map_index(db, i)]); });
  if (y->requires_grad) {
    tape.record("eddyop::binary::backward", [&tape, a, b, y, op, same, rows, nb, da, db, n]() {
      if (!reached(y)) return;
      const T* g = y->grad.ptr();
      const T* av = a->value.ptr();
      const T* bv = b->value.ptr();
      const bool need_a = tape.needs_grad(a), need_b = tape.needs_grad(b);
      T* ga = need_a ? tape.grad(a).ptr() : nullptr;
      T* gb = need_b ? tape.grad(b).ptr() : nullptr;
      if (same) {
        Kokkos::parallel_for(
            "eddyop::binary::backward", range(n), KOKKOS_LAMBDA(Index i) {
              if (need_a) ga[i] += g[i] * da_of(op, av[i], bv[i]);
              if (need_b) gb[i] += g[i] * db_of(op, av[i], bv[i]);
            });
      } else if (rows) {
        const Index reps = n / nb;
        if (need_a)
          Kokkos::parallel_for(
              "eddyop::binary::backward::rows", range(n),
              KOKKOS_LAMBDA(Index i) { ga[i] += g[i] * da_of(op, av[i], bv[i % nb]); });
        if (need_b)
          Kokkos::parallel_for(
              "eddyop::binary::backward::rows", range(nb), KOKKOS_LAMBDA(Index j) {
                T s = 0;
                for (Index k = 0; k < reps; ++k)
                  s += g[k * nb + j] * db_of(op, av[k * nb + j], bv[j]);
                gb[j] += s;
              });
      } else {
        Kokkos::parallel_for(
            "eddyop::binary::backward::broadcast", range(n), KOKKOS_LAMBDA(Index i) {
              const Index ia = map_index(da, i), ib = map_index(db, i);
              if (need_a) Kokkos::atomic_add(&ga[ia], g[i] * da_of(op, av[ia], bv[ib]));
              if (need_b) Kokkos::atomic_add(&gb[ib], g[i] * db_of(op, av[ia], bv[ib]));
            });
      }
    });
  }
  return y;
}

}  // namespace

template <class T>
Var<T> add(Tape<T>& tape, const Var<T>& a, const Var<T>& b) {
  return binary(tape, a, b, Binary::add, "add");
}
template <class T>
Var<T> sub(Tape<T>& tape, const Var<T>& a, const Var<T>& b) {
  return binary(tape, a, b, Binary::sub, "sub");
}
template <class T>
Var<T> mul(Tape<T>& tape, const Var<T>& a, const Var<T>& b) {
  return binary(tape, a, b, Binary::mul, "mul");
}
template <class T>
Var<T> div(Tape<T>& tape, const Var<T>& a, const Var<T>& b) {
  return binary(tape, a, b, Binary::div, "div");
}

template <class T>
Var<T> scale(Tape<T>& tape, const Var<T>& x, T s, T c) {
  auto y = tape.make(x->shape(), tape.needs_grad(x));
  const T* xp = x->value.ptr();
  T* yp = y->value.ptr();
  Kokkos::parallel_for(
      "eddyop::scale::forward", range(x->value.numel()),
      KOKKOS_LAMBDA(Index i) { yp[i] = s * xp[i] + c; });
  if (y->requires_grad)
    tape.record("eddyop::scale::backward", [&tape, x, y, s]() {
      if (!reached(y)) return;
      T* gx = tape.grad(x).ptr();
      const T* g = y->grad.ptr();
      Kokkos::parallel_for(
          "eddyop::scale::backward", range(x->value.numel()),
          KOKKOS_LAMBDA(Index i) { gx[i] += s * g[i]; });
    });
  return y;
}

#define EDDYOP_INSTANTIATE(T)                                     \
  template Var<T> add<T>(Tape<T>&, const Var<T>&, const Var<T>&); \
  template Var<T> sub<T>(Tape<T>&, const Var<T>&, const Var<T>&); \
  template Var<T> mul<T>(Tape<T>&, const Var<T>&, const Var<T>&); \
  template Var<T> div<T>(Tape<T>&, const Var<T>&, const Var<T>&); \
  template Var<T> scale<T>(Tape<T>&, const Var<T>&, T, T);
EDDYOP_INSTANTIATE(float)
EDDYOP_INSTANTIATE(double)

}  // namespace eddyop::ops
