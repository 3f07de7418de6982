// Softmax over the last axis, max-subtracted for range; the backward uses the saved output:
// dx = y (g - sum(g y)).
#include <cmath>

#include "operators/op_util.hpp"
#include "operators/ops.hpp"

namespace eddyop::ops {

using namespace detail;

template <class T>
Var<T> softmax(Tape<T>& tape, const Var<T>& x) {
  const Index N = x->shape()[-1], R = x->value.numel() / (N ? N : 1);
  auto y = tape.make(x->shape(), tape.needs_grad(x));
  const T* xp = x->value.ptr();
  T* yp = y->value.ptr();
  Kokkos::parallel_for(
      "eddyop::softmax::forward", range(R), KOKKOS_LAMBDA(Index r) {
        const T* a = xp + r * N;
        T* b = yp + r * N;
        T m = a[0];
        for (Index j = 1; j < N; ++j) m = a[j] > m ? a[j] : m;
        T s = 0;
        for (Index j = 0; j < N; ++j) {
          b[j] = std::exp(a[j] - m);
          s += b[j];
        }
        for (Index j = 0; j < N; ++j) b[j] /= s;
      });
  if (y->requires_grad)
    tape.record("eddyop::softmax::backward", [&tape, x, y, N, R]() {
      if (!reached(y)) return;
      T* gx = tape.grad(x).ptr();
      const T* g = y->grad.ptr();
      const T* yv = y->value.ptr();
      Kokkos::parallel_for(
          "eddyop::softmax::backward", range(R), KOKKOS_LAMBDA(Index r) {
            T s = 0;
            for (Index j = 0; j < N; ++j) s += g[r * N + j] * yv[r * N + j];
            for (Index j = 0; j < N; ++j) gx[r * N + j] += yv[r * N + j] * (g[r * N + j] - s);
          });
    });
  return y;
}

template Var<float> softmax<float>(Tape<float>&, const Var<float>&);
template Var<double> softmax<double>(Tape<double>&, const Var<double>&);

}  // namespace eddyop::ops
