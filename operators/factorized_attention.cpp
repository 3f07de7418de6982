// The contractions of factorized attention: one small kernel matrix per axis (per sample and
// head) applied along that axis of a 3-D field v (B, H, D, X, Y, Z). Every contraction is a
// GEMM on a contiguous view of v, nothing is permuted or broadcast:
//   x: per d, (X, X) times (X, Y Z);  y: per (d, x), (Y, Y) times (Y, Z);  z: (D X Y, Z) times K^T.
// The backward of "y = K along axis a of v" is "dv += K^T along axis a of dy" plus
// dK (n, n) += sum over the other indices of dy[..i..] v[..l..], also GEMMs (batched with a
// shared, accumulated output: gemm_batched runs its batch in order, so that is race-free).
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

#define EDDYOP_INSTANTIATE(T)                                                                     \
  template Var<T> axis_kernels_parallel<T>(Tape<T>&, const Var<T>&, const Var<T>&, const Var<T>&, \
                                           const Var<T>&);                                        \
  template Var<T> axis_kernels_chained<T>(Tape<T>&, const Var<T>&, const Var<T>&, const Var<T>&,  \
                                          const Var<T>&);
EDDYOP_INSTANTIATE(float)
EDDYOP_INSTANTIATE(double)

}  // namespace eddyop::ops
