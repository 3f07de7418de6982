// Sum and mean over chosen axes. Each input element adds into the output element it reduces to
// (atomics: several inputs share one output); the backward broadcasts the gradient back.
#include <algorithm>

#include "operators/op_util.hpp"
#include "operators/ops.hpp"

namespace eddyop::ops {

using namespace detail;

namespace {

template <class T>
Var<T> reduce(Tape<T>& tape, const Var<T>& x, std::vector<int> axes, bool keepdim, bool average) {
  const Shape& xs = x->shape();
  for (int& a : axes) {
    a = xs.normal(a);
    EDDYOP_CHECK(a >= 0 && a < xs.rank(), "reduce", "axis out of range for " << xs.str());
  }
  std::vector<Index> kept, ys;
  Index count = 1;
  for (int a = 0; a < xs.rank(); ++a) {
    const bool r = std::find(axes.begin(), axes.end(), a) != axes.end();
    kept.push_back(r ? 1 : xs[a]);
    if (r) count *= xs[a];
    if (!r || keepdim) ys.push_back(r ? 1 : xs[a]);
  }
  // Input index -> output index: strides of the kept shape, 0 along reduced axes.
  Dims d = dims_of(xs);
  const Dims dk = dims_of(Shape(kept));
  for (int a = 0; a < xs.rank(); ++a)
    d.stride[a] = kept[static_cast<std::size_t>(a)] == 1 && xs[a] != 1 ? 0 : dk.stride[a];
  auto y = tape.make(Shape(ys), tape.needs_grad(x));
  Kokkos::deep_copy(y->value.data, T(0));
  const T f = average ? T(1) / T(count ? count : 1) : T(1);
  const T* xp = x->value.ptr();
  T* yp = y->value.ptr();
  const Index n = xs.numel();
  auto map = [d] KOKKOS_FUNCTION(Index i) {
    Index j = 0;
    for (int a = d.rank - 1; a >= 0; --a) {
      j += (i % d.size[a]) * d.stride[a];
      i /= d.size[a];
    }
    return j;
  };
  Kokkos::parallel_for(
      "eddyop::reduce::forward", range(n),
      KOKKOS_LAMBDA(Index i) { Kokkos::atomic_add(&yp[map(i)], f * xp[i]); });
  if (y->requires_grad)
    tape.record("eddyop::reduce::backward", [&tape, x, y, map, f, n]() {
      if (!reached(y)) return;
      T* gx = tape.grad(x).ptr();
      const T* g = y->grad.ptr();
      Kokkos::parallel_for(
          "eddyop::reduce::backward", range(n), KOKKOS_LAMBDA(Index i) { gx[i] += f * g[map(i)]; });
    });
  return y;
}

}  // namespace

template <class T>
Var<T> sum(Tape<T>& tape, const Var<T>& x, std::vector<int> axes, bool keepdim) {
  return reduce(tape, x, std::move(axes), keepdim, false);
}
template <class T>
Var<T> mean(Tape<T>& tape, const Var<T>& x, std::vector<int> axes, bool keepdim) {
  return reduce(tape, x, std::move(axes), keepdim, true);
}

template Var<float> sum<float>(Tape<float>&, const Var<float>&, std::vector<int>, bool);
template Var<double> sum<double>(Tape<double>&, const Var<double>&, std::vector<int>, bool);
template Var<float> mean<float>(Tape<float>&, const Var<float>&, std::vector<int>, bool);
template Var<double> mean<double>(Tape<double>&, const Var<double>&, std::vector<int>, bool);

}  // namespace eddyop::ops
