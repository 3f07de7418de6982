// Rotary position embedding with the half rotation (RoFormer; FactFormer's variant): the pair
// (x[j], x[j + D/2]) of every row is rotated by the angle a(i, j). A rotation's adjoint is the
// rotation by -a, which is the whole backward.
#include <cmath>

#include "operators/op_util.hpp"
#include "operators/ops.hpp"

namespace eddyop::ops {

using namespace detail;

template <class T>
Var<T> rotary_embedding(Tape<T>& tape, const Var<T>& x, const std::vector<double>& positions,
                        double scale, double base) {
  const Shape& xs = x->shape();
  EDDYOP_CHECK(xs.rank() >= 2 && xs[-1] % 2 == 0, "rotary_embedding",
               "input " << xs.str() << " is not (..., n, D) with D even");
  const Index n = xs[-2], D = xs[-1], half = D / 2, rows = xs.numel() / (D ? D : 1);
  EDDYOP_CHECK(static_cast<Index>(positions.size()) == n, "rotary_embedding",
               positions.size() << " positions for " << n << " rows of " << xs.str());
  // Table (n, half, [cos, sin]) on the host in double, then copied once.
  std::vector<T> h(static_cast<std::size_t>(2 * n * half));
  for (Index i = 0; i < n; ++i)
    for (Index j = 0; j < half; ++j) {
      const double a = scale * positions[static_cast<std::size_t>(i)] *
                       std::pow(base, -2.0 * static_cast<double>(j) / static_cast<double>(D));
      h[static_cast<std::size_t>(2 * (i * half + j))] = static_cast<T>(std::cos(a));
      h[static_cast<std::size_t>(2 * (i * half + j) + 1)] = static_cast<T>(std::sin(a));
    }
  tensor::TensorT<T> table = tape.scratch(Shape({n, half, 2}));
  tensor::from_host(table, h);
  auto y = tape.make(xs, tape.needs_grad(x));
  const T* xp = x->value.ptr();
  const T* tp = table.ptr();
  T* yp = y->value.ptr();
  Kokkos::parallel_for(
      "eddyop::rotary_embedding::forward", range(rows * half), KOKKOS_LAMBDA(Index e) {
        const Index r = e / half, j = e % half, i = r % n;
        const T c = tp[2 * (i * half + j)], s = tp[2 * (i * half + j) + 1];
        const T a = xp[r * D + j], b = xp[r * D + j + half];
        yp[r * D + j] = a * c - b * s;
        yp[r * D + j + half] = b * c + a * s;
      });
  if (y->requires_grad)
    tape.record("eddyop::rotary_embedding::backward", [&tape, x, y, table, rows, n, D, half]() {
      if (!reached(y)) return;
      const T* g = y->grad.ptr();
      const T* tq = table.ptr();
      T* gx = tape.grad(x).ptr();
      Kokkos::parallel_for(
          "eddyop::rotary_embedding::backward", range(rows * half), KOKKOS_LAMBDA(Index e) {
            const Index r = e / half, j = e % half, i = r % n;
            const T c = tq[2 * (i * half + j)], s = tq[2 * (i * half + j) + 1];
            const T ga = g[r * D + j], gb = g[r * D + j + half];
            gx[r * D + j] += ga * c + gb * s;
            gx[r * D + j + half] += gb * c - ga * s;
          });
    });
  return y;
}

#define EDDYOP_INSTANTIATE(T)                                                                      \
  template Var<T> rotary_embedding<T>(Tape<T>&, const Var<T>&, const std::vector<double>&, double, \
                                      double);
EDDYOP_INSTANTIATE(float)
EDDYOP_INSTANTIATE(double)

}  // namespace eddyop::ops
