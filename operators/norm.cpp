// Layer, instance and group normalisation as one kernel: each normalises contiguous rows of
// length L (layer: the channels of a token; group: Cg channels times the points of a sample),
// then applies a per-channel affine. channel(row, j) = (row % G) Cg + j / P.
// The forward saves the mean and 1/std per row; the backward is the usual
//   dx = rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)),  dxhat = g gamma.
#include <cmath>

#include "operators/op_util.hpp"
#include "operators/ops.hpp"

namespace eddyop::ops {

using namespace detail;

namespace {

template <class T>
Var<T> normalize_rows(Tape<T>& tape, const Var<T>& x, const Var<T>& gamma, const Var<T>& beta,
                      T eps, Index R, Index L, Index G, Index Cg, Index P, Index C,
                      const char* name) {
  EDDYOP_CHECK(!gamma || gamma->shape() == Shape({C}), name,
               "scale " << gamma->shape().str() << " for " << C << " channels");
  EDDYOP_CHECK(!beta || beta->shape() == Shape({C}), name,
               "shift " << beta->shape().str() << " for " << C << " channels");
  auto y = tape.make(x->shape(), tape.needs_grad(x) || (gamma && tape.needs_grad(gamma)) ||
                                     (beta && tape.needs_grad(beta)));
  tensor::TensorT<T> stats = tape.scratch(Shape({R, 2}));  // (R, [mean, rstd])
  const T* xp = x->value.ptr();
  T* yp = y->value.ptr();
  T* st = stats.ptr();
  const T* gp = gamma ? gamma->value.ptr() : nullptr;
  const T* bp = beta ? beta->value.ptr() : nullptr;
  Kokkos::parallel_for(
      "eddyop::norm::forward", range(R), KOKKOS_LAMBDA(Index r) {
        const T* a = xp + r * L;
        T m = 0;
        for (Index j = 0; j < L; ++j) m += a[j];
        m /= T(L);
        T v = 0;
        for (Index j = 0; j < L; ++j) v += (a[j] - m) * (a[j] - m);
        const T rstd = T(1) / std::sqrt(v / T(L) + eps);
        st[2 * r] = m;
        st[2 * r + 1] = rstd;
        for (Index j = 0; j < L; ++j) {
          const Index c = (r % G) * Cg + j / P;
          const T h = (a[j] - m) * rstd;
          yp[r * L + j] = (gp ? gp[c] * h : h) + (bp ? bp[c] : T(0));
        }
      });
  if (y->requires_grad)
    tape.record("eddyop::norm::backward", [&tape, x, gamma, beta, y, stats, R, L, G, Cg, P]() {
      if (!reached(y)) return;
      const T* g = y->grad.ptr();
      const T* xv = x->value.ptr();
      const T* sv = stats.ptr();
      const T* gv = gamma ? gamma->value.ptr() : nullptr;
      T* gx = tape.needs_grad(x) ? tape.grad(x).ptr() : nullptr;
      T* ggam = gamma && tape.needs_grad(gamma) ? tape.grad(gamma).ptr() : nullptr;
      T* gbet = beta && tape.needs_grad(beta) ? tape.grad(beta).ptr() : nullptr;
      Kokkos::parallel_for(
          "eddyop::norm::backward", range(R), KOKKOS_LAMBDA(Index r) {
            const T m = sv[2 * r], rstd = sv[2 * r + 1];
            T s1 = 0, s2 = 0;
            for (Index j = 0; j < L; ++j) {
              const Index c = (r % G) * Cg + j / P;
              const T h = (xv[r * L + j] - m) * rstd;
              const T dh = g[r * L + j] * (gv ? gv[c] : T(1));
              s1 += dh;
              s2 += dh * h;
              if (ggam) Kokkos::atomic_add(&ggam[c], g[r * L + j] * h);
              if (gbet) Kokkos::atomic_add(&gbet[c], g[r * L + j]);
            }
            s1 /= T(L);
            s2 /= T(L);
            if (gx)
              for (Index j = 0; j < L; ++j) {
                const Index c = (r % G) * Cg + j / P;
                const T h = (xv[r * L + j] - m) * rstd;
                const T dh = g[r * L + j] * (gv ? gv[c] : T(1));
                gx[r * L + j] += rstd * (dh - s1 - h * s2);
              }
          });
    });
  return y;
}

}  // namespace

template <class T>
Var<T> layer_norm(Tape<T>& tape, const Var<T>& x, const Var<T>& gamma, const Var<T>& beta, T eps) {
  const Index C = x->shape()[-1];
  return normalize_rows(tape, x, gamma, beta, eps, x->value.numel() / C, C, 1, C, 1, C,
                        "layer_norm");
}

template <class T>
Var<T> group_norm(Tape<T>& tape, const Var<T>& x, Index groups, const Var<T>& gamma,
                  const Var<T>& beta, T eps) {
  const Shape& s = x->shape();
  EDDYOP_CHECK(s.rank() >= 2, "group_norm", "input " << s.str() << " is not (B, C, S...)");
  const Index B = s[0], C = s[1], P = s.span(2, s.rank());
  EDDYOP_CHECK(groups >= 1 && C % groups == 0, "group_norm",
               groups << " groups do not divide " << C << " channels");
  const Index Cg = C / groups;
  return normalize_rows(tape, x, gamma, beta, eps, B * groups, Cg * P, groups, Cg, P, C,
                        "group_norm");
}

template <class T>
Var<T> instance_norm(Tape<T>& tape, const Var<T>& x, const Var<T>& gamma, const Var<T>& beta,
                     T eps) {
  return group_norm(tape, x, x->shape()[1], gamma, beta, eps);
}

#define EDDYOP_INSTANTIATE(T)                                                                     \
  template Var<T> layer_norm<T>(Tape<T>&, const Var<T>&, const Var<T>&, const Var<T>&, T);        \
  template Var<T> group_norm<T>(Tape<T>&, const Var<T>&, Index, const Var<T>&, const Var<T>&, T); \
  template Var<T> instance_norm<T>(Tape<T>&, const Var<T>&, const Var<T>&, const Var<T>&, T);
EDDYOP_INSTANTIATE(float)
EDDYOP_INSTANTIATE(double)

}  // namespace eddyop::ops
