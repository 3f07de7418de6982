// Average and max pooling over the trailing spatial axes of a channel-first tensor, with a
// window and a stride per axis and no padding (pad first where a border is wanted). Windows may
// overlap (stride < window), so the backward scatters with atomics. Max pooling does not store
// its argmax: the backward finds it again from the input, which costs one more pass over the
// windows but no memory (the first maximum wins a tie, in both passes).
#include "operators/op_util.hpp"
#include "operators/ops.hpp"

namespace eddyop::ops {

using namespace detail;

namespace {

struct PoolMap {
  Dims out, in;
  int first = 0;  // first pooled axis
  Index window[kMaxRank] = {};
  Index stride[kMaxRank] = {};
  Index count = 1;  // elements per window

  // Input index of element w (0 <= w < count, row-major in the window) of output element i's
  // window.
  KOKKOS_INLINE_FUNCTION Index source(Index i, Index w) const {
    Index j = 0;
    for (int a = out.rank - 1; a >= 0; --a) {
      Index k = i % out.size[a];
      i /= out.size[a];
      if (a >= first) {
        const Index o = w % window[a];
        w /= window[a];
        k = k * stride[a] + o;
      }
      j += k * in.stride[a];
    }
    return j;
  }
};

template <class T>
PoolMap pool_map(const Shape& xs, const std::vector<Index>& window,
                 const std::vector<Index>& stride, Shape& ys, const char* name) {
  const int d = static_cast<int>(window.size());
  EDDYOP_CHECK(d >= 1 && d <= 3 && xs.rank() >= d + 2 && stride.size() == window.size(), name,
               "pooling over " << d << " axes (with " << stride.size() << " strides) of an input "
                               << xs.str() << "; expected (B, C, S...) with 1 to 3 spatial axes");
  PoolMap m;
  m.in = dims_of(xs);
  m.first = xs.rank() - d;
  ys = xs;
  for (int k = 0; k < d; ++k) {
    const int a = m.first + k;
    const Index w = window[static_cast<std::size_t>(k)], s = stride[static_cast<std::size_t>(k)];
    EDDYOP_CHECK(w >= 1 && s >= 1 && w <= xs[a], name,
                 "window " << w << " and stride " << s << " on axis " << a << " of " << xs.str());
    m.window[a] = w;
    m.stride[a] = s;
    m.count *= w;
    ys[a] = (xs[a] - w) / s + 1;
  }
  m.out = dims_of(ys);
  return m;
}

}  // namespace

template <class T>
Var<T> avg_pool(Tape<T>& tape, const Var<T>& x, const std::vector<Index>& window,
                const std::vector<Index>& stride) {
  Shape ys;
  const PoolMap m = pool_map<T>(x->shape(), window, stride, ys, "avg_pool");
  auto y = tape.make(ys, tape.needs_grad(x));
  const T* xp = x->value.ptr();
  T* yp = y->value.ptr();
  const Index n = ys.numel();
  const T inv = T(1) / static_cast<T>(m.count);
  Kokkos::parallel_for(
      "eddyop::avg_pool::forward", range(n), KOKKOS_LAMBDA(Index i) {
        T s = 0;
        for (Index w = 0; w < m.count; ++w) s += xp[m.source(i, w)];
        yp[i] = s * inv;
      });
  if (y->requires_grad)
    tape.record("eddyop::avg_pool::backward", [&tape, x, y, m, n, inv]() {
      if (!reached(y)) return;
      T* gx = tape.grad(x).ptr();
      const T* g = y->grad.ptr();
      Kokkos::parallel_for(
          "eddyop::avg_pool::backward", range(n), KOKKOS_LAMBDA(Index i) {
            const T gi = g[i] * inv;
            for (Index w = 0; w < m.count; ++w) Kokkos::atomic_add(&gx[m.source(i, w)], gi);
          });
    });
  return y;
}

template <class T>
Var<T> max_pool(Tape<T>& tape, const Var<T>& x, const std::vector<Index>& window,
                const std::vector<Index>& stride) {
  Shape ys;
  const PoolMap m = pool_map<T>(x->shape(), window, stride, ys, "max_pool");
  auto y = tape.make(ys, tape.needs_grad(x));
  const T* xp = x->value.ptr();
  T* yp = y->value.ptr();
  const Index n = ys.numel();
  Kokkos::parallel_for(
      "eddyop::max_pool::forward", range(n), KOKKOS_LAMBDA(Index i) {
        T best = xp[m.source(i, 0)];
        for (Index w = 1; w < m.count; ++w) {
          const T v = xp[m.source(i, w)];
          if (v > best) best = v;
        }
        yp[i] = best;
      });
  if (y->requires_grad)
    tape.record("eddyop::max_pool::backward", [&tape, x, y, m, n]() {
      if (!reached(y)) return;
      T* gx = tape.grad(x).ptr();
      const T* g = y->grad.ptr();
      const T* xv = x->value.ptr();
      Kokkos::parallel_for(
          "eddyop::max_pool::backward", range(n), KOKKOS_LAMBDA(Index i) {
            Index arg = m.source(i, 0);
            for (Index w = 1; w < m.count; ++w) {
              const Index j = m.source(i, w);
              if (xv[j] > xv[arg]) arg = j;
            }
            Kokkos::atomic_add(&gx[arg], g[i]);
          });
    });
  return y;
}

#define EDDYOP_POOL(T)                                                            \
  template Var<T> avg_pool<T>(Tape<T>&, const Var<T>&, const std::vector<Index>&, \
                              const std::vector<Index>&);                         \
  template Var<T> max_pool<T>(Tape<T>&, const Var<T>&, const std::vector<Index>&, \
                              const std::vector<Index>&);
EDDYOP_POOL(float)
EDDYOP_POOL(double)
#undef EDDYOP_POOL

}  // namespace eddyop::ops
