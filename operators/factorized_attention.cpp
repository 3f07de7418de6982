// The contractions of factorized attention: one small kernel matrix per axis (per sample and
// head) applied along that axis of a 3-D field v (B, H, D, X, Y, Z). Every contraction is a
// GEMM on a contiguous view of v, nothing is permuted or broadcast:
//   x: per d, (X, X) times (X, Y Z);  y: per (d, x), (Y, Y) times (Y, Z);  z: (D X Y, Z) times K^T.
// The backward of "y = K along axis a of v" is "dv += K^T along axis a of dy" plus
// dK (n, n) += sum over the other indices of dy[..i..] v[..l..], also GEMMs (batched with a
// shared, accumulated output: gemm_batched runs its batch in order, so that is race-free).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <vector>

#include "operators/host_loop.hpp"
#include "operators/lanes.hpp"
#include "operators/op_util.hpp"
#include "operators/ops.hpp"

namespace eddyop::ops {

using namespace detail;
using tensor::gemm;
using tensor::gemm_batched;

namespace {

struct Field {
  Index D, X, Y, Z;
  Index n(int axis) const { return axis == 0 ? X : axis == 1 ? Y : Z; }
  Index size() const { return D * X * Y * Z; }
};

// out (D, X, Y, Z) = beta out + op(k) (n, n) applied along `axis` of v (D, X, Y, Z).
template <class T>
void apply_axis(T* out, const T* k, const T* v, const Field& f, int axis, Trans tk, T beta) {
  const Index N = f.X * f.Y * f.Z;
  if (axis == 0)
    gemm_batched(out, k, v, f.X, f.Y * f.Z, f.X, tk, Trans::no, T(1), beta, f.D, N, 0, N);
  else if (axis == 1)
    gemm_batched(out, k, v, f.Y, f.Z, f.Y, tk, Trans::no, T(1), beta, f.D * f.X, f.Y * f.Z, 0,
                 f.Y * f.Z);
  else  // out (D X Y, Z) = v (D X Y, Z) op(k)^T
    gemm(out, v, k, f.D * f.X * f.Y, f.Z, f.Z, Trans::no, tk == Trans::no ? Trans::yes : Trans::no,
         T(1), beta);
}

// The chained kernels: w1 = K_x v, w2 = K_y w1, out = K_z w2 (out may be w1).
template <class T>
void apply_chain(T* out, T* w1, T* w2, const T* kx, const T* ky, const T* kz, const T* v,
                 const Field& f) {
  apply_axis(w1, kx, v, f, 0, Trans::no, T(0));
  apply_axis(w2, ky, w1, f, 1, Trans::no, T(0));
  apply_axis(out, kz, w2, f, 2, Trans::no, T(0));
}

// dk (n, n) += sum over the other indices of dy[.., i, ..] v[.., l, ..] along `axis`.
template <class T>
void kernel_grad(T* dk, const T* dy, const T* v, const Field& f, int axis) {
  const Index N = f.X * f.Y * f.Z;
  if (axis == 0)
    gemm_batched(dk, dy, v, f.X, f.X, f.Y * f.Z, Trans::no, Trans::yes, T(1), T(1), f.D, 0, N, N);
  else if (axis == 1)
    gemm_batched(dk, dy, v, f.Y, f.Y, f.Z, Trans::no, Trans::yes, T(1), T(1), f.D * f.X, 0,
                 f.Y * f.Z, f.Y * f.Z);
  else
    gemm(dk, dy, v, f.Z, f.Z, f.D * f.X * f.Y, Trans::yes, Trans::no, T(1), T(1));
}

template <class T>
Field check_shapes(const Var<T>& kx, const Var<T>& ky, const Var<T>& kz, const Var<T>& v,
                   const char* name) {
  const Shape& vs = v->shape();
  EDDYOP_CHECK(vs.rank() == 6, name, "values " << vs.str() << " are not (B, H, D, X, Y, Z)");
  const Index B = vs[0], H = vs[1];
  const Var<T>* ks[3] = {&kx, &ky, &kz};
  for (int a = 0; a < 3; ++a) {
    const Index n = vs[3 + a];
    EDDYOP_CHECK((*ks[a])->shape() == Shape({B, H, n, n}), name,
                 "kernel of axis " << a << " is " << (*ks[a])->shape().str() << ", expected (" << B
                                   << ", " << H << ", " << n << ", " << n << ") for values "
                                   << vs.str());
  }
  return Field{vs[2], vs[3], vs[4], vs[5]};
}

}  // namespace

template <class T>
Var<T> axis_kernels_parallel(Tape<T>& tape, const Var<T>& kx, const Var<T>& ky, const Var<T>& kz,
                             const Var<T>& v) {
  const Field f = check_shapes(kx, ky, kz, v, "axis_kernels_parallel");
  const Shape& vs = v->shape();
  const Index BH = vs[0] * vs[1], S = f.size();
  auto y = tape.make(
      Shape({vs[0], vs[1], 3, f.D, f.X, f.Y, f.Z}),
      tape.needs_grad(kx) || tape.needs_grad(ky) || tape.needs_grad(kz) || tape.needs_grad(v));
  const Var<T> ks[3] = {kx, ky, kz};
  Kokkos::Profiling::pushRegion("eddyop::axis_kernels_parallel::forward");
  for (Index p = 0; p < BH; ++p)
    for (int a = 0; a < 3; ++a) {
      const Index n = f.n(a);
      apply_axis(y->value.ptr() + (p * 3 + a) * S, ks[a]->value.ptr() + p * n * n,
                 v->value.ptr() + p * S, f, a, Trans::no, T(0));
    }
  Kokkos::Profiling::popRegion();
  if (y->requires_grad)
    tape.record("eddyop::axis_kernels_parallel::backward", [&tape, kx, ky, kz, v, y, f, BH, S]() {
      if (!reached(y)) return;
      const Var<T> kv[3] = {kx, ky, kz};
      const T* g = y->grad.ptr();
      for (int a = 0; a < 3; ++a) {
        const Index n = f.n(a);
        if (tape.needs_grad(kv[a])) {
          T* dk = tape.grad(kv[a]).ptr();
          for (Index p = 0; p < BH; ++p)
            kernel_grad(dk + p * n * n, g + (p * 3 + a) * S, v->value.ptr() + p * S, f, a);
        }
        if (tape.needs_grad(v)) {
          T* dv = tape.grad(v).ptr();
          for (Index p = 0; p < BH; ++p)
            apply_axis(dv + p * S, kv[a]->value.ptr() + p * n * n, g + (p * 3 + a) * S, f, a,
                       Trans::yes, T(1));
        }
      }
    });
  return y;
}

template <class T>
Var<T> axis_kernels_chained(Tape<T>& tape, const Var<T>& kx, const Var<T>& ky, const Var<T>& kz,
                            const Var<T>& v) {
  const Field f = check_shapes(kx, ky, kz, v, "axis_kernels_chained");
  const Shape& vs = v->shape();
  const Index BH = vs[0] * vs[1], S = f.size();
  const bool grad =
      tape.needs_grad(kx) || tape.needs_grad(ky) || tape.needs_grad(kz) || tape.needs_grad(v);
  // The two intermediate fields (after x, after y) are saved for the kernels' gradients.
  tensor::TensorT<T> w1 = tape.scratch(vs), w2 = tape.scratch(vs);
  auto y = tape.make(vs, grad);
  Kokkos::Profiling::pushRegion("eddyop::axis_kernels_chained::forward");
  const Index nx = f.X * f.X, ny = f.Y * f.Y, nz = f.Z * f.Z;
  for (Index p = 0; p < BH; ++p) {
    apply_axis(w1.ptr() + p * S, kx->value.ptr() + p * nx, v->value.ptr() + p * S, f, 0, Trans::no,
               T(0));
    apply_axis(w2.ptr() + p * S, ky->value.ptr() + p * ny, w1.ptr() + p * S, f, 1, Trans::no, T(0));
    apply_axis(y->value.ptr() + p * S, kz->value.ptr() + p * nz, w2.ptr() + p * S, f, 2, Trans::no,
               T(0));
  }
  Kokkos::Profiling::popRegion();
  if (y->requires_grad)
    tape.record("eddyop::axis_kernels_chained::backward", [&tape, kx, ky, kz, v, y, w1, w2, f, BH,
                                                           S, nx, ny, nz]() {
      if (!reached(y)) return;
      const T* g = y->grad.ptr();
      // g2 = K_z^T g (the gradient at w2), g1 = K_y^T g2 (at w1); one buffer each.
      tensor::TensorT<T> g2 = tape.workspace(0, Shape({S})), g1 = tape.workspace(1, Shape({S}));
      T* dkx = tape.needs_grad(kx) ? tape.grad(kx).ptr() : nullptr;
      T* dky = tape.needs_grad(ky) ? tape.grad(ky).ptr() : nullptr;
      T* dkz = tape.needs_grad(kz) ? tape.grad(kz).ptr() : nullptr;
      T* dv = tape.needs_grad(v) ? tape.grad(v).ptr() : nullptr;
      for (Index p = 0; p < BH; ++p) {
        const T* gp = g + p * S;
        if (dkz) kernel_grad(dkz + p * nz, gp, w2.ptr() + p * S, f, 2);
        apply_axis(g2.ptr(), kz->value.ptr() + p * nz, gp, f, 2, Trans::yes, T(0));
        if (dky) kernel_grad(dky + p * ny, g2.ptr(), w1.ptr() + p * S, f, 1);
        apply_axis(g1.ptr(), ky->value.ptr() + p * ny, g2.ptr(), f, 1, Trans::yes, T(0));
        if (dkx) kernel_grad(dkx + p * nx, g1.ptr(), v->value.ptr() + p * S, f, 0);
        if (dv) apply_axis(dv + p * S, kx->value.ptr() + p * nx, g1.ptr(), f, 0, Trans::yes, T(1));
      }
    });
  return y;
}

// ---- factorized_mix -------------------------------------------------------------------------
// One head's field stays (D, X, Y, Z) throughout: x is a GEMM batched over d, y one batched over
// (d, x) (D X small GEMMs of (Y, Y) by (Y, Z), which OpenBLAS's small-matrix kernels run faster
// than one large GEMM on a y-major copy plus the two transposes it needs), z one GEMM. A group's
// field is (D, N): D rows of the N points.
namespace {

struct Group {
  Index D, N;      // field (D, N)
  Index Cout, Cz;  // wo (Cout, Cz)
  Index col;       // first column of this group's block of wo
};

// One row of the InstanceNorm's backward, in place: e = rstd (dzn - a - (z - mu) b), with
// a = mean(dzn) and b = mean(dzn zn) rstd over the row's points (group_backward's coefficients).
template <class T>
inline void norm_row(T* e, const T* z, Index n, T mu, T rstd, T a, T b) {
  for (Index q = 0; q < n; ++q) e[q] = rstd * (e[q] - a - (z[q] - mu) * b);
}

// Channels a part of the host pool takes at a time in the fused passes below: 4 rows of a
// 32 x 33 x 16 field are 270 kB, so a chunk of values, its three contractions' rows and their
// gradients stay in a core's L2 (1-2 MB) between the steps that use them.
constexpr Index kChunk = 4;

// The parts a fused pass over D channels runs in: one per host thread (none on a device).
inline Index channel_parts(Index D) {
  return tensor::host_parts() ? std::min<Index>(host_threads(), D) : 1;
}

// chunk(p, c0, c1) for every chunk [c0, c1) of the D channels: part p of `parts` takes its range
// of channels, kChunk at a time, in order.
template <class F>
void for_channel_chunks(Index parts, Index D, const F& chunk) {
  run_parts(static_cast<int>(parts), [&](int p) {
    const Index d1 = D * (p + 1) / parts;
    for (Index c0 = D * p / parts; c0 < d1; c0 += kChunk) chunk(p, c0, std::min(c0 + kChunk, d1));
  });
}

// The -m head's three groups side by side, z (3, D, N) = (K_x v, K_y v, K_z v) for v (D, N), and
// every row's InstanceNorm statistics mu, rstd (3, D). Each part of the host pool takes a range
// of channels and goes through it kChunk channels at a time, so that the statistics read rows the
// contraction has just written instead of a second pass over 3 D N values in memory.
template <class T>
void contract_parallel_with_stats(T* z, T* mu, T* rstd, const T* const K[3], const T* v,
                                  const Field& f, T eps) {
  const Index D = f.D, N = f.X * f.Y * f.Z;
  Kokkos::Profiling::pushRegion("eddyop::factorized_mix::forward::contract_stats");
  for_channel_chunks(channel_parts(D), D, [&](Index, Index c0, Index c1) {
    const Field fc{c1 - c0, f.X, f.Y, f.Z};
    for (int a = 0; a < 3; ++a) {
      apply_axis(z + (a * D + c0) * N, K[a], v + c0 * N, fc, a, Trans::no, T(0));
      host_range(c0, c1, [&](Index d) {
        const Index r = a * D + d;
        row_mean_rstd(z + r * N, N, eps, mu[r], rstd[r]);
      });
    }
  });
  Kokkos::Profiling::popRegion();
}

// The group's share of the projection, from its InstanceNorm statistics (mean and
// 1/sqrt(var + eps) per row): y (Cout, N) = beta y + (wo_g diag(rstd)) z,
// bias (Cout) -= wo_g diag(rstd) mu. The normalised field is never formed.
template <class T>
void group_forward(T* y, double* bias, const T* mu, const T* rstd, T* wt, const T* z, const T* wo,
                   const Group& g, T beta) {
  const Index D = g.D, N = g.N, Cout = g.Cout, Cz = g.Cz, col = g.col;
  host_for("eddyop::factorized_mix::forward::weights", Cout, [=](Index c) {
    double b = 0;
    for (Index d = 0; d < D; ++d) {
      const T w = wo[c * Cz + col + d] * rstd[d];
      wt[c * D + d] = w;
      b += static_cast<double>(w) * static_cast<double>(mu[d]);
    }
    bias[c] -= b;
  });
  gemm(y, wt, z, Cout, N, D, Trans::no, Trans::no, T(1), beta);
}

// From dy (Cout, N): dzn (D, N) = wo_g^T dy into dz, dwo_g += dy zn^T (when dwo), and coef (D, 2):
// each row's (a, b) of norm_row, which turns dzn into dz. rowsum (Cout): sum of dy over the
// points. The InstanceNorm's two sums over the points come from the small matrices, not from a
// pass over the field: sum_p dzn[d, p] = sum_c wo[c, d] rowsum[c] and
// sum_p dzn[d, p] (z[d, p] - mu_d) = sum_c wo[c, d] (tm[c, d] - rowsum[c] mu_d) with tm = dy z^T,
// which dwo needs anyway.
template <class T>
void group_backward(T* dz, T* coef, T* dwo, T* wc, T* tm, const T* dy, const double* rowsum,
                    const T* z, const T* mu, const T* rstd, const T* wo, const Group& g) {
  const Index D = g.D, N = g.N, Cout = g.Cout, Cz = g.Cz, col = g.col;
  host_for("eddyop::factorized_mix::backward::weights", Cout * D,
           [=](Index i) { wc[i] = wo[(i / D) * Cz + col + i % D]; });
  gemm(dz, wc, dy, D, N, Cout, Trans::yes, Trans::no, T(1), T(0));  // dzn = wo_g^T dy
  gemm(tm, dy, z, Cout, D, N, Trans::no, Trans::yes, T(1), T(0));   // tm = dy z^T
  if (dwo)  // dwo_g[c, d] += rstd_d (tm[c, d] - rowsum[c] mu_d)
    host_for("eddyop::factorized_mix::backward::dwo", Cout * D, [=](Index i) {
      const Index c = i / D, d = i % D;
      dwo[c * Cz + col + d] +=
          static_cast<T>(static_cast<double>(rstd[d]) *
                         (static_cast<double>(tm[i]) - rowsum[c] * static_cast<double>(mu[d])));
    });
  // dz = rstd (dzn - mean(dzn) - zn mean(dzn zn)), zn = (z - mu) rstd.
  const double inv_n = 1.0 / static_cast<double>(N);
  host_for("eddyop::factorized_mix::backward::norm_coefficients", D, [=](Index d) {
    const double m = static_cast<double>(mu[d]);
    double s1 = 0, s2 = 0;  // sums of dzn and of dzn (z - mu) over the points
    for (Index c = 0; c < Cout; ++c) {
      const double w = static_cast<double>(wc[c * D + d]);
      s1 += w * rowsum[c];
      s2 += w * (static_cast<double>(tm[c * D + d]) - rowsum[c] * m);
    }
    const double rs = static_cast<double>(rstd[d]);
    const T a = static_cast<T>(s1 * inv_n);            // mean(dzn)
    const T b = static_cast<T>(rs * rs * s2 * inv_n);  // mean(dzn zn) rstd
    coef[2 * d] = a;
    coef[2 * d + 1] = b;
  });
}

// The -m head's backward after group_backward: the InstanceNorm on each row of dz
// (3, D, N), then dK_a += sum over the channels of dz_a against v along axis a, and
// dv = sum_a K_a^T along axis a of dz_a, channel by channel as in contract_parallel_with_stats:
// the rows a chunk normalises are still in cache when its kernel gradients and dv use them.
// Each part sums its kernel gradients in its own accumulators; they are added to dK in part
// order, so that the result depends on the number of threads, never on their timing.
template <class T>
void parallel_backward_rows(T* dv, T* const dK[3], T* dz, const T* z, const T* v,
                            const T* const K[3], const T* mu, const T* rstd, const T* coef,
                            const Field& f) {
  const Index D = f.D, N = f.X * f.Y * f.Z, parts = channel_parts(D);
  // Each part's accumulators: dK_x, dK_y, dK_z at offsets off[a] of its per_part values.
  const Index nk[3] = {f.X * f.X, f.Y * f.Y, f.Z * f.Z}, off[3] = {0, nk[0], nk[0] + nk[1]};
  const Index per_part = off[2] + nk[2];
  std::vector<T> acc(static_cast<std::size_t>(parts * per_part), T(0));
  Kokkos::Profiling::pushRegion("eddyop::factorized_mix::backward::rows");
  for_channel_chunks(parts, D, [&](Index p, Index c0, Index c1) {
    const Field fc{c1 - c0, f.X, f.Y, f.Z};
    host_range(c0, c1, [&](Index d) {
      for (int a = 0; a < 3; ++a) {
        const Index r = a * D + d;
        norm_row(dz + r * N, z + r * N, N, mu[r], rstd[r], coef[2 * r], coef[2 * r + 1]);
      }
    });
    for (int a = 0; a < 3; ++a) {
      const T* dza = dz + (a * D + c0) * N;
      if (dK[a]) kernel_grad(acc.data() + p * per_part + off[a], dza, v + c0 * N, fc, a);
      apply_axis(dv + c0 * N, K[a], dza, fc, a, Trans::yes, a == 0 ? T(0) : T(1));
    }
  });
  for (int a = 0; a < 3; ++a)
    if (dK[a])
      for (Index p = 0; p < parts; ++p) {
        const T* src = acc.data() + p * per_part + off[a];
        for (Index i = 0; i < nk[a]; ++i) dK[a][i] += src[i];
      }
  Kokkos::Profiling::popRegion();
}

}  // namespace

namespace {
std::atomic<double> g_keep_bytes{160.0 * (1 << 20)};
}  // namespace

void set_factorized_mix_keep_bytes(double bytes) {
  g_keep_bytes = bytes;
}
double factorized_mix_keep_bytes() {
  return g_keep_bytes;
}

template <class T>
Var<T> factorized_mix(Tape<T>& tape, const Var<T>& u, const Var<T>& wv, const Var<T>& kx,
                      const Var<T>& ky, const Var<T>& kz, const Var<T>& wo, bool chained, T eps) {
  const char* name = "factorized_mix";
  EDDYOP_CHECK(kx->shape().rank() == 4 && ky->shape().rank() == 4 && kz->shape().rank() == 4, name,
               "kernels " << kx->shape().str() << ", " << ky->shape().str() << ", "
                          << kz->shape().str() << " are not (B, H, n, n)");
  const Index B = kx->shape()[0], H = kx->shape()[1], X = kx->shape()[2], Y = ky->shape()[2],
              Z = kz->shape()[2], N = X * Y * Z;
  EDDYOP_CHECK(kx->shape() == Shape({B, H, X, X}) && ky->shape() == Shape({B, H, Y, Y}) &&
                   kz->shape() == Shape({B, H, Z, Z}),
               name,
               "kernels " << kx->shape().str() << ", " << ky->shape().str() << ", "
                          << kz->shape().str() << " disagree on (B, H) or are not square");
  EDDYOP_CHECK(u->shape().rank() == 3 && u->shape()[0] == B && u->shape()[1] == N, name,
               "input " << u->shape().str() << " is not (" << B << ", " << N << ", C) for a " << X
                        << " x " << Y << " x " << Z << " grid");
  const Index C = u->shape()[2];
  EDDYOP_CHECK(wv->shape().rank() == 2 && wv->shape()[1] == C && wv->shape()[0] % H == 0, name,
               "value weight " << wv->shape().str() << " is not (" << H << " D, " << C << ")");
  const Index D = wv->shape()[0] / H, G = chained ? 1 : 3;
  EDDYOP_CHECK(wo->shape().rank() == 2 && wo->shape()[1] == G * H * D, name,
               "output weight " << wo->shape().str() << " is not (Cout, " << G * H * D << ")");
  const Index Cout = wo->shape()[0], Cz = G * H * D, S = D * N;
  const Field f{D, X, Y, Z};
  auto y = tape.make(Shape{B, Cout, N}, tape.needs_grad(u) || tape.needs_grad(wv) ||
                                            tape.needs_grad(kx) || tape.needs_grad(ky) ||
                                            tape.needs_grad(kz) || tape.needs_grad(wo));
  tensor::TensorT<T> mu = tape.scratch(Shape{B, H * G, D}), rstd = tape.scratch(Shape{B, H * G, D});
  // The values (B, H, D, N) are kept for the backward when it will run (H D / C times the input's
  // size; recomputing them there cost one GEMM per head, more than reading them back).
  tensor::TensorT<T> values, fields;
  if (y->requires_grad) values = tape.scratch(Shape{B, H, D, N});
  // So are -m's contracted fields z (B, H, 3 D, N) while they fit the budget (the paper's size
  // at batch 1, 97 MB; not at batch 5): the backward then reads them instead of contracting the
  // values again.
  if (y->requires_grad && !chained &&
      static_cast<double>(B * H * 3 * S) * sizeof(T) <= factorized_mix_keep_bytes())
    fields = tape.scratch(Shape{B, H, 3 * D, N});
  Kokkos::Profiling::pushRegion("eddyop::factorized_mix::forward");
  {
    // Scratch fields: the values (inference), the head's contracted field, the chained kernels'
    // intermediate. Taken even where kept fields replace them: skipping them (13 MB) measured a
    // 0.29 GB higher peak RSS at the paper's batch 5, the later allocations landing elsewhere.
    T* v_work = tape.workspace(0, Shape{S}).ptr();
    T* z = tape.workspace(1, Shape{G * S}).ptr();
    T* t = tape.workspace(2, Shape{S}).ptr();
    T* wt = tape.workspace(4, Shape{Cout * G * D}).ptr();
    std::vector<double> bias(static_cast<std::size_t>(Cout));
    for (Index b = 0; b < B; ++b) {
      T* yb = y->value.ptr() + b * Cout * N;
      std::fill(bias.begin(), bias.end(), 0.0);
      for (Index h = 0; h < H; ++h) {
        const Index p = b * H + h;
        const T* Kx = kx->value.ptr() + p * X * X;
        const T* Ky = ky->value.ptr() + p * Y * Y;
        const T* Kz = kz->value.ptr() + p * Z * Z;
        T* v = values.empty() ? v_work : values.ptr() + p * S;
        gemm(v, wv->value.ptr() + h * D * C, u->value.ptr() + b * N * C, D, N, C, Trans::no,
             Trans::yes, T(1), T(0));
        // The head's groups: G D rows of mu and rstd, columns h G D.. of wo.
        const Group g{G * D, N, Cout, Cz, h * G * D};
        T* mu_h = mu.ptr() + p * G * D;
        T* rstd_h = rstd.ptr() + p * G * D;
        const T* w = wo->value.ptr();
        if (!chained) {
          // The head's three groups side by side, z = (K_x v, K_y v, K_z v) (3 D, N) with their
          // statistics, normalised and projected into y by one GEMM with K = 3 D (one pass over
          // y per head, not three).
          const T* K[3] = {Kx, Ky, Kz};
          T* zh = fields.empty() ? z : fields.ptr() + p * 3 * S;
          contract_parallel_with_stats(zh, mu_h, rstd_h, K, v, f, eps);
          group_forward(yb, bias.data(), mu_h, rstd_h, wt, zh, w, g, h == 0 ? T(0) : T(1));
        } else {
          apply_chain(z, z, t, Kx, Ky, Kz, v, f);
          host_for("eddyop::factorized_mix::forward::stats", D,
                   [=](Index d) { row_mean_rstd(z + d * N, N, eps, mu_h[d], rstd_h[d]); });
          group_forward(yb, bias.data(), mu_h, rstd_h, wt, z, w, g, h == 0 ? T(0) : T(1));
        }
      }
      const double* bp = bias.data();
      host_for("eddyop::factorized_mix::forward::bias", Cout, [=](Index c) {
        const T bc = static_cast<T>(bp[c]);
        T* r = yb + c * N;
        for (Index i = 0; i < N; ++i) r[i] += bc;
      });
    }
  }
  Kokkos::Profiling::popRegion();
  if (y->requires_grad)
    tape.record("eddyop::factorized_mix::backward", [&tape, u, wv, kx, ky, kz, wo, y, mu, rstd, f,
                                                     X, Y, Z, B, H, C, D, G, Cout, Cz, N, S,
                                                     chained, values, fields]() {
      if (!reached(y)) return;
      T* z = tape.workspace(1, Shape{G * S}).ptr();
      T* t = tape.workspace(2, Shape{S}).ptr();
      T* wc = tape.workspace(4, Shape{Cout * G * D}).ptr();
      T* tm = tape.workspace(5, Shape{Cout * G * D}).ptr();
      T* dz = tape.workspace(6, Shape{G * S}).ptr();
      T* coef = tape.workspace(10, Shape{G * D * 2}).ptr();
      T* dv = tape.workspace(7, Shape{S}).ptr();
      T* g2 = chained ? tape.workspace(8, Shape{S}).ptr() : nullptr;
      T* w2 = chained ? tape.workspace(9, Shape{S}).ptr() : nullptr;
      T* dkx = tape.needs_grad(kx) ? tape.grad(kx).ptr() : nullptr;
      T* dky = tape.needs_grad(ky) ? tape.grad(ky).ptr() : nullptr;
      T* dkz = tape.needs_grad(kz) ? tape.grad(kz).ptr() : nullptr;
      T* dwo = tape.needs_grad(wo) ? tape.grad(wo).ptr() : nullptr;
      T* dwv = tape.needs_grad(wv) ? tape.grad(wv).ptr() : nullptr;
      T* du = tape.needs_grad(u) ? tape.grad(u).ptr() : nullptr;
      const T* w = wo->value.ptr();
      std::vector<double> rowsum(static_cast<std::size_t>(Cout));
      for (Index b = 0; b < B; ++b) {
        const T* dyb = y->grad.ptr() + b * Cout * N;
        const T* ub = u->value.ptr() + b * N * C;
        double* rs = rowsum.data();
        host_for("eddyop::factorized_mix::backward::rowsum", Cout, [=](Index c) {
          auto acc = Lanes<T>::zero();
          add_sums(acc, dyb + c * N, N);
          rs[c] = acc.sum();
        });
        for (Index h = 0; h < H; ++h) {
          const Index p = b * H + h;
          const T* Kx = kx->value.ptr() + p * X * X;
          const T* Ky = ky->value.ptr() + p * Y * Y;
          const T* Kz = kz->value.ptr() + p * Z * Z;
          const Group g{G * D, N, Cout, Cz, h * G * D};
          const T* mu_h = mu.ptr() + p * G * D;
          const T* rstd_h = rstd.ptr() + p * G * D;
          const T* v = values.ptr() + p * S;
          if (!chained) {
            // The head's three groups side by side as in the forward: z = K_a v again, back
            // through the projection to dzn (3 D, N) by one GEMM each way (dzn and dy z^T),
            // then the InstanceNorm, the kernels' gradients and dv in one pass over the rows.
            const T* K[3] = {Kx, Ky, Kz};
            T* dK[3] = {dkx ? dkx + p * X * X : nullptr, dky ? dky + p * Y * Y : nullptr,
                        dkz ? dkz + p * Z * Z : nullptr};
            const T* zh = z;
            if (fields.empty())
              for (int a = 0; a < 3; ++a) apply_axis(z + a * S, K[a], v, f, a, Trans::no, T(0));
            else
              zh = fields.ptr() + p * 3 * S;
            group_backward(dz, coef, dwo, wc, tm, dyb, rowsum.data(), zh, mu_h, rstd_h, w, g);
            parallel_backward_rows(dv, dK, dz, zh, v, K, mu_h, rstd_h, coef, f);
          } else {
            // Recompute w1 = K_x v (z), w2 = K_y w1 (w2) and the output field (t); then back
            // through z, y, x: g2 (the gradient at w2), g1 (at w1, in dz), dv.
            apply_chain(t, z, w2, Kx, Ky, Kz, v, f);
            group_backward(dz, coef, dwo, wc, tm, dyb, rowsum.data(), t, mu_h, rstd_h, w, g);
            host_for("eddyop::factorized_mix::backward::norm", D, [=](Index d) {
              norm_row(dz + d * N, t + d * N, N, mu_h[d], rstd_h[d], coef[2 * d], coef[2 * d + 1]);
            });
            if (dkz) kernel_grad(dkz + p * Z * Z, dz, w2, f, 2);
            apply_axis(g2, Kz, dz, f, 2, Trans::yes, T(0));
            if (dky) kernel_grad(dky + p * Y * Y, g2, z, f, 1);
            apply_axis(dz, Ky, g2, f, 1, Trans::yes, T(0));
            if (dkx) kernel_grad(dkx + p * X * X, dz, v, f, 0);
            apply_axis(dv, Kx, dz, f, 0, Trans::yes, T(0));
          }
          if (dwv) gemm(dwv + h * D * C, dv, ub, D, C, N, Trans::no, Trans::no, T(1), T(1));
          if (du)
            gemm(du + b * N * C, dv, wv->value.ptr() + h * D * C, N, C, D, Trans::yes, Trans::no,
                 T(1), T(1));
        }
      }
    });
  return y;
}

#define EDDYOP_INSTANTIATE(T)                                                                     \
  template Var<T> axis_kernels_parallel<T>(Tape<T>&, const Var<T>&, const Var<T>&, const Var<T>&, \
                                           const Var<T>&);                                        \
  template Var<T> axis_kernels_chained<T>(Tape<T>&, const Var<T>&, const Var<T>&, const Var<T>&,  \
                                          const Var<T>&);                                         \
  template Var<T> factorized_mix<T>(Tape<T>&, const Var<T>&, const Var<T>&, const Var<T>&,        \
                                    const Var<T>&, const Var<T>&, const Var<T>&, bool, T);
EDDYOP_INSTANTIATE(float)
EDDYOP_INSTANTIATE(double)

}  // namespace eddyop::ops
