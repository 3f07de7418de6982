// Reshape, permute, concat and slice: data movement only; each backward moves the gradient
// back along the same index map.
#include "operators/op_util.hpp"
#include "operators/ops.hpp"

namespace eddyop::ops {

using namespace detail;

template <class T>
Var<T> reshape(Tape<T>& tape, const Var<T>& x, const Shape& shape) {
  EDDYOP_CHECK(shape.numel() == x->value.numel(), "reshape",
               "cannot reshape " << x->shape().str() << " to " << shape.str());
  auto y = tape.make(shape, tape.needs_grad(x));
  Kokkos::deep_copy(y->value.data, x->value.data);
  if (y->requires_grad)
    tape.record("eddyop::reshape::backward", [&tape, x, y]() {
      if (!reached(y)) return;
      T* gx = tape.grad(x).ptr();
      const T* g = y->grad.ptr();
      Kokkos::parallel_for(
          "eddyop::reshape::backward", range(x->value.numel()),
          KOKKOS_LAMBDA(Index i) { gx[i] += g[i]; });
    });
  return y;
}

template <class T>
Var<T> permute(Tape<T>& tape, const Var<T>& x, const std::vector<int>& perm) {
  const Shape& xs = x->shape();
  EDDYOP_CHECK(static_cast<int>(perm.size()) == xs.rank(), "permute",
               perm.size() << " axes given for " << xs.str());
  std::vector<Index> ys;
  const Dims dx = dims_of(xs);
  for (int p : perm) ys.push_back(xs[p]);
  // y index -> x index: y's sizes with x's strides of the permuted axes.
  Dims d = dims_of(Shape(ys));
  for (int a = 0; a < xs.rank(); ++a) d.stride[a] = dx.stride[perm[static_cast<std::size_t>(a)]];
  auto y = tape.make(Shape(ys), tape.needs_grad(x));
  const Index n = xs.numel();
  const T* xp = x->value.ptr();
  T* yp = y->value.ptr();
  auto map = [d] KOKKOS_FUNCTION(Index i) {
    Index j = 0;
    for (int a = d.rank - 1; a >= 0; --a) {
      j += (i % d.size[a]) * d.stride[a];
      i /= d.size[a];
    }
    return j;
  };
  // When the last axis stays last, whole rows of it move: one index map per row, not per entry.
  const Index inner = xs.rank() > 0 && perm.back() == xs.rank() - 1 ? xs[-1] : 1;
  const Index rows = inner > 0 ? n / inner : 0;
  Kokkos::parallel_for(
      "eddyop::permute::forward", range(rows), KOKKOS_LAMBDA(Index r) {
        const T* src = xp + map(r * inner);
        T* dst = yp + r * inner;
        for (Index j = 0; j < inner; ++j) dst[j] = src[j];
      });
  if (y->requires_grad)
    tape.record("eddyop::permute::backward", [&tape, x, y, map, rows, inner]() {
      if (!reached(y)) return;
      T* gx = tape.grad(x).ptr();
      const T* g = y->grad.ptr();
      Kokkos::parallel_for(
          "eddyop::permute::backward", range(rows), KOKKOS_LAMBDA(Index r) {
            T* dst = gx + map(r * inner);
            const T* src = g + r * inner;
            for (Index j = 0; j < inner; ++j) dst[j] += src[j];
          });
    });
  return y;
}

template <class T>
Var<T> concat(Tape<T>& tape, const std::vector<Var<T>>& xs, int axis) {
  EDDYOP_CHECK(!xs.empty(), "concat", "nothing to concatenate");
  Shape ys = xs[0]->shape();
  axis = ys.normal(axis);
  ys[axis] = 0;
  bool grad = false;
  for (const auto& x : xs) {
    Shape s = x->shape();
    EDDYOP_CHECK(s.rank() == ys.rank(), "concat", "ranks differ: " << s.str());
    for (int a = 0; a < s.rank(); ++a)
      EDDYOP_CHECK(
          a == axis || s[a] == ys[a], "concat",
          "shapes " << s.str() << " and " << xs[0]->shape().str() << " differ off axis " << axis);
    ys[axis] += s[axis];
    grad = grad || tape.needs_grad(x);
  }
  auto y = tape.make(ys, grad);
  const Index outer = ys.span(0, axis), inner = ys.span(axis + 1, ys.rank()), Ly = ys[axis];
  Index offset = 0;
  std::vector<Index> offsets;
  for (const auto& x : xs) {
    const Index Lx = x->shape()[axis];
    const T* xp = x->value.ptr();
    T* yp = y->value.ptr();
    const Index off = offset;
    Kokkos::parallel_for(
        "eddyop::concat::forward", range(outer * Lx * inner), KOKKOS_LAMBDA(Index i) {
          const Index o = i / (Lx * inner), r = i % (Lx * inner);
          yp[(o * Ly + off) * inner + r] = xp[i];
        });
    offsets.push_back(offset);
    offset += Lx;
  }
  if (y->requires_grad)
    tape.record("eddyop::concat::backward", [&tape, xs, y, offsets, axis, outer, inner, Ly]() {
      if (!reached(y)) return;
      const T* g = y->grad.ptr();
      for (std::size_t k = 0; k < xs.size(); ++k) {
        if (!tape.needs_grad(xs[k])) continue;
        const Index Lx = xs[k]->shape()[axis], off = offsets[k];
        T* gx = tape.grad(xs[k]).ptr();
        Kokkos::parallel_for(
            "eddyop::concat::backward", range(outer * Lx * inner), KOKKOS_LAMBDA(Index i) {
              const Index o = i / (Lx * inner), r = i % (Lx * inner);
              gx[i] += g[(o * Ly + off) * inner + r];
            });
      }
    });
  return y;
}

template <class T>
Var<T> slice(Tape<T>& tape, const Var<T>& x, int axis, Index begin, Index end) {
  const Shape& xs = x->shape();
  axis = xs.normal(axis);
  EDDYOP_CHECK(0 <= begin && begin <= end && end <= xs[axis], "slice",
               "[" << begin << ", " << end << ") outside axis " << axis << " of " << xs.str());
  Shape ys = xs;
  ys[axis] = end - begin;
  auto y = tape.make(ys, tape.needs_grad(x));
  const Index inner = xs.span(axis + 1, xs.rank()), Lx = xs[axis], Ly = end - begin;
  const Index n = ys.numel();
  const T* xp = x->value.ptr();
  T* yp = y->value.ptr();
  Kokkos::parallel_for(
      "eddyop::slice::forward", range(n), KOKKOS_LAMBDA(Index i) {
        const Index o = i / (Ly * inner), r = i % (Ly * inner);
        yp[i] = xp[(o * Lx + begin) * inner + r];
      });
  if (y->requires_grad)
    tape.record("eddyop::slice::backward", [&tape, x, y, inner, Lx, Ly, begin, n]() {
      if (!reached(y)) return;
      T* gx = tape.grad(x).ptr();
      const T* g = y->grad.ptr();
      Kokkos::parallel_for(
          "eddyop::slice::backward", range(n), KOKKOS_LAMBDA(Index i) {
            const Index o = i / (Ly * inner), r = i % (Ly * inner);
            gx[(o * Lx + begin) * inner + r] += g[i];
          });
    });
  return y;
}

#define EDDYOP_INSTANTIATE(T)                                                   \
  template Var<T> reshape<T>(Tape<T>&, const Var<T>&, const Shape&);            \
  template Var<T> permute<T>(Tape<T>&, const Var<T>&, const std::vector<int>&); \
  template Var<T> concat<T>(Tape<T>&, const std::vector<Var<T>>&, int);         \
  template Var<T> slice<T>(Tape<T>&, const Var<T>&, int, Index, Index);
EDDYOP_INSTANTIATE(float)
EDDYOP_INSTANTIATE(double)

}  // namespace eddyop::ops
