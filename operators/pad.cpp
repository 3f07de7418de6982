// Padding of the trailing axes: zero, circular (wrap) or reflect (mirror without repeating the
// edge, as PyTorch). Every output element reads one source element or zero; the backward
// scatters back with atomics, since circular and reflect read one source several times.
#include "operators/op_util.hpp"
#include "operators/ops.hpp"

namespace eddyop::ops {

using namespace detail;

namespace {

struct PadMap {
  Dims out, in;
  int first = 0;  // first padded axis
  Index lo[kMaxRank] = {};
  PadMode mode = PadMode::zero;

  // Source index in x of output element i, or -1 for a zero.
  KOKKOS_INLINE_FUNCTION Index operator()(Index i) const {
    Index j = 0;
    for (int a = out.rank - 1; a >= 0; --a) {
      Index k = i % out.size[a];
      i /= out.size[a];
      if (a >= first) {
        const Index n = in.size[a];
        k -= lo[a];
        if (k < 0 || k >= n) {
          if (mode == PadMode::zero) return -1;
          if (mode == PadMode::circular) {
            k %= n;
            if (k < 0) k += n;
          } else {  // reflect, period 2(n-1)
            const Index p = n > 1 ? 2 * (n - 1) : 1;
            k %= p;
            if (k < 0) k += p;
            if (k >= n) k = p - k;
          }
        }
      }
      j += k * in.stride[a];
    }
    return j;
  }
};

}  // namespace

template <class T>
Var<T> pad(Tape<T>& tape, const Var<T>& x, const std::vector<Index>& lo,
           const std::vector<Index>& hi, PadMode mode) {
  const Shape& xs = x->shape();
  const int d = static_cast<int>(lo.size());
  EDDYOP_CHECK(hi.size() == lo.size() && d <= xs.rank(), "pad",
               "padding of " << d << " axes for input " << xs.str());
  PadMap map;
  map.in = dims_of(xs);
  map.first = xs.rank() - d;
  map.mode = mode;
  Shape ys = xs;
  for (int k = 0; k < d; ++k) {
    const int a = map.first + k;
    const Index l = lo[static_cast<std::size_t>(k)], h = hi[static_cast<std::size_t>(k)];
    EDDYOP_CHECK(a >= 0 && a < kMaxRank, "pad", "axis " << a << " of " << xs.str());
    EDDYOP_CHECK(l >= 0 && h >= 0, "pad", "negative padding; use slice to crop");
    EDDYOP_CHECK(mode != PadMode::reflect || (l < xs[a] && h < xs[a]), "pad",
                 "reflect padding " << l << "/" << h << " needs more than that many points, axis "
                                    << a << " of " << xs.str());
    EDDYOP_CHECK(mode != PadMode::circular || (l <= xs[a] && h <= xs[a]), "pad",
                 "circular padding larger than axis " << a << " of " << xs.str());
    map.lo[a] = l;
    ys[a] = xs[a] + l + h;
  }
  map.out = dims_of(ys);
  auto y = tape.make(ys, tape.needs_grad(x));
  const T* xp = x->value.ptr();
  T* yp = y->value.ptr();
  const Index n = ys.numel();
  Kokkos::parallel_for(
      "eddyop::pad::forward", range(n), KOKKOS_LAMBDA(Index i) {
        const Index j = map(i);
        yp[i] = j < 0 ? T(0) : xp[j];
      });
  if (y->requires_grad)
    tape.record("eddyop::pad::backward", [&tape, x, y, map, n]() {
      if (!reached(y)) return;
      T* gx = tape.grad(x).ptr();
      const T* g = y->grad.ptr();
      Kokkos::parallel_for(
          "eddyop::pad::backward", range(n), KOKKOS_LAMBDA(Index i) {
            const Index j = map(i);
            if (j >= 0) Kokkos::atomic_add(&gx[j], g[i]);
          });
    });
  return y;
}

template Var<float> pad<float>(Tape<float>&, const Var<float>&, const std::vector<Index>&,
                               const std::vector<Index>&, PadMode);
template Var<double> pad<double>(Tape<double>&, const Var<double>&, const std::vector<Index>&,
                                 const std::vector<Index>&, PadMode);

}  // namespace eddyop::ops
