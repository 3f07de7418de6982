// Gated GELU (Shazeer 2020): the first half of the channels, through an exact GELU, gates the
// second half. d/dx GELU(x) = Phi(x) + x phi(x).
#include <cmath>

#include "operators/op_util.hpp"
#include "operators/ops.hpp"

namespace eddyop::ops {

using namespace detail;

template <class T>
Var<T> geglu(Tape<T>& tape, const Var<T>& x) {
  const Shape& xs = x->shape();
  EDDYOP_CHECK(xs.rank() >= 1 && xs[-1] % 2 == 0, "geglu",
               "input " << xs.str() << " has an odd number of channels");
  const Index C = xs[-1] / 2, rows = C > 0 ? xs.numel() / (2 * C) : 0;
  Shape ys = xs;
  ys[-1] = C;
  auto y = tape.make(ys, tape.needs_grad(x));
  const T* xp = x->value.ptr();
  T* yp = y->value.ptr();
  Kokkos::parallel_for(
      "eddyop::geglu::forward", range(rows * C), KOKKOS_LAMBDA(Index e) {
        const Index r = e / C, c = e % C;
        const T a = xp[r * 2 * C + c], b = xp[r * 2 * C + C + c];
        yp[e] = T(0.5) * a * (T(1) + std::erf(a * T(0.70710678118654752440))) * b;
      });
  if (y->requires_grad)
    tape.record("eddyop::geglu::backward", [&tape, x, y, rows, C]() {
      if (!reached(y)) return;
      const T* g = y->grad.ptr();
      const T* xv = x->value.ptr();
      T* gx = tape.grad(x).ptr();
      Kokkos::parallel_for(
          "eddyop::geglu::backward", range(rows * C), KOKKOS_LAMBDA(Index e) {
            const Index r = e / C, c = e % C;
            const T a = xv[r * 2 * C + c], b = xv[r * 2 * C + C + c];
            const T cdf = T(0.5) * (T(1) + std::erf(a * T(0.70710678118654752440)));
            const T pdf = T(0.39894228040143267794) * std::exp(T(-0.5) * a * a);
            gx[r * 2 * C + c] += g[e] * b * (cdf + a * pdf);
            gx[r * 2 * C + C + c] += g[e] * a * cdf;
          });
    });
  return y;
}

template Var<float> geglu<float>(Tape<float>&, const Var<float>&);
template Var<double> geglu<double>(Tape<double>&, const Var<double>&);

}  // namespace eddyop::ops
