// k x k convolution with stride in 1-3D, and its transpose, as direct loops over a 3-D frame
// (1-D and 2-D inputs are 3-D with leading spatial sizes 1). Padding is the pad op's job.
// Each kernel loops so that one thread owns each output element it writes: no atomics.
// These are the multigrid restriction/prolongation and MgNO smoothers' kernels; the FNO uses
// pointwise_conv (a GEMM) instead.
#include "operators/op_util.hpp"
#include "operators/ops.hpp"

namespace eddyop::ops {

using namespace detail;

namespace {

struct Frame {
  Index S[3] = {1, 1, 1};  // input spatial sizes
  Index K[3] = {1, 1, 1};  // kernel sizes
  Index s[3] = {1, 1, 1};  // strides
  Index P[3] = {1, 1, 1};  // output spatial sizes
  Index ns() const { return S[0] * S[1] * S[2]; }
  Index nk() const { return K[0] * K[1] * K[2]; }
  Index np() const { return P[0] * P[1] * P[2]; }
};

Frame frame(const Shape& xs, const Shape& ws, const std::vector<Index>& stride, bool transpose,
            const char* name) {
  const int d = xs.rank() - 2;
  EDDYOP_CHECK(d >= 1 && d <= 3 && ws.rank() == d + 2, name,
               "input " << xs.str() << " and weight " << ws.str() << " are not 1-3D");
  EDDYOP_CHECK(static_cast<int>(stride.size()) == d, name,
               stride.size() << " strides for " << d << " axes");
  Frame f;
  for (int a = 0; a < d; ++a) {
    const int o = 3 - d + a;
    f.S[o] = xs[2 + a];
    f.K[o] = ws[2 + a];
    f.s[o] = stride[static_cast<std::size_t>(a)];
    EDDYOP_CHECK(f.s[o] >= 1 && f.K[o] >= 1, name, "stride and kernel sizes must be positive");
    if (transpose) {
      f.P[o] = (f.S[o] - 1) * f.s[o] + f.K[o];
    } else {
      EDDYOP_CHECK(f.K[o] <= f.S[o], name,
                   "kernel " << ws.str() << " larger than input " << xs.str());
      f.P[o] = (f.S[o] - f.K[o]) / f.s[o] + 1;
    }
  }
  return f;
}

Shape out_shape(const Shape& xs, Index C, const Frame& f) {
  std::vector<Index> s{xs[0], C};
  for (int a = 3 - (xs.rank() - 2); a < 3; ++a) s.push_back(f.P[a]);
  return Shape(s);
}

// Input offset of output point p shifted by kernel offset k, in the conv's frame.
KOKKOS_INLINE_FUNCTION Index in_offset(const Frame& f, Index p, Index k) {
  const Index p2 = p % f.P[2], p1 = (p / f.P[2]) % f.P[1], p0 = p / (f.P[2] * f.P[1]);
  const Index k2 = k % f.K[2], k1 = (k / f.K[2]) % f.K[1], k0 = k / (f.K[2] * f.K[1]);
  return ((p0 * f.s[0] + k0) * f.S[1] + (p1 * f.s[1] + k1)) * f.S[2] + (p2 * f.s[2] + k2);
}

// In the transpose's frame the roles swap: input point p (of S), output offset.
KOKKOS_INLINE_FUNCTION Index out_offset_t(const Frame& f, Index p, Index k) {
  const Index p2 = p % f.S[2], p1 = (p / f.S[2]) % f.S[1], p0 = p / (f.S[2] * f.S[1]);
  const Index k2 = k % f.K[2], k1 = (k / f.K[2]) % f.K[1], k0 = k / (f.K[2] * f.K[1]);
  return ((p0 * f.s[0] + k0) * f.P[1] + (p1 * f.s[1] + k1)) * f.P[2] + (p2 * f.s[2] + k2);
}

}  // namespace

template <class T>
Var<T> conv(Tape<T>& tape, const Var<T>& x, const Var<T>& w, const Var<T>& b,
            const std::vector<Index>& stride) {
  const Shape& xs = x->shape();
  const Shape& ws = w->shape();
  const Frame f = frame(xs, ws, stride, false, "conv");
  const Index B = xs[0], Cin = xs[1], Cout = ws[0];
  EDDYOP_CHECK(ws[1] == Cin, "conv", "weight " << ws.str() << " does not fit input " << xs.str());
  EDDYOP_CHECK(!b || b->shape() == Shape({Cout}), "conv", "bias " << b->shape().str());
  auto y = tape.make(out_shape(xs, Cout, f),
                     tape.needs_grad(x) || tape.needs_grad(w) || (b && tape.needs_grad(b)));
  const T* xp = x->value.ptr();
  const T* wp = w->value.ptr();
  const T* bp = b ? b->value.ptr() : nullptr;
  T* yp = y->value.ptr();
  const Index NS = f.ns(), NK = f.nk(), NP = f.np();
  Kokkos::parallel_for(
      "eddyop::conv::forward", range(B * Cout * NP), KOKKOS_LAMBDA(Index i) {
        const Index p = i % NP, o = (i / NP) % Cout, n = i / (NP * Cout);
        T s = bp ? bp[o] : T(0);
        for (Index c = 0; c < Cin; ++c)
          for (Index k = 0; k < NK; ++k)
            s += wp[(o * Cin + c) * NK + k] * xp[(n * Cin + c) * NS + in_offset(f, p, k)];
        yp[i] = s;
      });
  if (y->requires_grad)
    tape.record("eddyop::conv::backward", [&tape, x, w, b, y, f, B, Cin, Cout, NS, NK, NP]() {
      if (!reached(y)) return;
      const T* g = y->grad.ptr();
      const T* xv = x->value.ptr();
      const T* wv = w->value.ptr();
      if (tape.needs_grad(x)) {
        T* gx = tape.grad(x).ptr();
        Kokkos::parallel_for(
            "eddyop::conv::backward::input", range(B * Cin), KOKKOS_LAMBDA(Index i) {
              const Index c = i % Cin, n = i / Cin;
              for (Index o = 0; o < Cout; ++o)
                for (Index p = 0; p < NP; ++p)
                  for (Index k = 0; k < NK; ++k)
                    gx[i * NS + in_offset(f, p, k)] +=
                        g[(n * Cout + o) * NP + p] * wv[(o * Cin + c) * NK + k];
            });
      }
      if (tape.needs_grad(w)) {
        T* gw = tape.grad(w).ptr();
        Kokkos::parallel_for(
            "eddyop::conv::backward::weights", range(Cout * Cin * NK), KOKKOS_LAMBDA(Index i) {
              const Index k = i % NK, c = (i / NK) % Cin, o = i / (NK * Cin);
              T s = 0;
              for (Index n = 0; n < B; ++n)
                for (Index p = 0; p < NP; ++p)
                  s += g[(n * Cout + o) * NP + p] * xv[(n * Cin + c) * NS + in_offset(f, p, k)];
              gw[i] += s;
            });
      }
      if (b && tape.needs_grad(b)) {
        add_channel_sums(tape.grad(b).ptr(), g, B, Cout, NP, "eddyop::conv::backward::bias");
      }
    });
  return y;
}

template <class T>
Var<T> conv_transpose(Tape<T>& tape, const Var<T>& x, const Var<T>& w, const Var<T>& b,
                      const std::vector<Index>& stride) {
  const Shape& xs = x->shape();
  const Shape& ws = w->shape();
  const Frame f = frame(xs, ws, stride, true, "conv_transpose");
  const Index B = xs[0], Cin = xs[1], Cout = ws[1];
  EDDYOP_CHECK(ws[0] == Cin, "conv_transpose",
               "weight " << ws.str() << " does not fit input " << xs.str());
  EDDYOP_CHECK(!b || b->shape() == Shape({Cout}), "conv_transpose", "bias " << b->shape().str());
  auto y = tape.make(out_shape(xs, Cout, f),
                     tape.needs_grad(x) || tape.needs_grad(w) || (b && tape.needs_grad(b)));
  const T* xp = x->value.ptr();
  const T* wp = w->value.ptr();
  const T* bp = b ? b->value.ptr() : nullptr;
  T* yp = y->value.ptr();
  const Index NS = f.ns(), NK = f.nk(), NP = f.np();
  // One thread per (sample, output channel) scatters every input point into its plane.
  Kokkos::parallel_for(
      "eddyop::conv_transpose::forward", range(B * Cout), KOKKOS_LAMBDA(Index i) {
        const Index o = i % Cout, n = i / Cout;
        T* out = yp + i * NP;
        for (Index q = 0; q < NP; ++q) out[q] = bp ? bp[o] : T(0);
        for (Index c = 0; c < Cin; ++c)
          for (Index p = 0; p < NS; ++p)
            for (Index k = 0; k < NK; ++k)
              out[out_offset_t(f, p, k)] +=
                  xp[(n * Cin + c) * NS + p] * wp[(c * Cout + o) * NK + k];
      });
  if (y->requires_grad)
    tape.record("eddyop::conv_transpose::backward", [&tape, x, w, b, y, f, B, Cin, Cout, NS, NK,
                                                     NP]() {
      if (!reached(y)) return;
      const T* g = y->grad.ptr();
      const T* xv = x->value.ptr();
      const T* wv = w->value.ptr();
      if (tape.needs_grad(x)) {  // a plain strided conv of dy
        T* gx = tape.grad(x).ptr();
        Kokkos::parallel_for(
            "eddyop::conv_transpose::backward::input", range(B * Cin * NS), KOKKOS_LAMBDA(Index i) {
              const Index p = i % NS, c = (i / NS) % Cin, n = i / (NS * Cin);
              T s = 0;
              for (Index o = 0; o < Cout; ++o)
                for (Index k = 0; k < NK; ++k)
                  s += g[(n * Cout + o) * NP + out_offset_t(f, p, k)] * wv[(c * Cout + o) * NK + k];
              gx[i] += s;
            });
      }
      if (tape.needs_grad(w)) {
        T* gw = tape.grad(w).ptr();
        Kokkos::parallel_for(
            "eddyop::conv_transpose::backward::weights", range(Cin * Cout * NK),
            KOKKOS_LAMBDA(Index i) {
              const Index k = i % NK, o = (i / NK) % Cout, c = i / (NK * Cout);
              T s = 0;
              for (Index n = 0; n < B; ++n)
                for (Index p = 0; p < NS; ++p)
                  s += xv[(n * Cin + c) * NS + p] * g[(n * Cout + o) * NP + out_offset_t(f, p, k)];
              gw[i] += s;
            });
      }
      if (b && tape.needs_grad(b)) {
        add_channel_sums(tape.grad(b).ptr(), g, B, Cout, NP,
                         "eddyop::conv_transpose::backward::bias");
      }
    });
  return y;
}

#define EDDYOP_INSTANTIATE(T)                                                              \
  template Var<T> conv<T>(Tape<T>&, const Var<T>&, const Var<T>&, const Var<T>&,           \
                          const std::vector<Index>&);                                      \
  template Var<T> conv_transpose<T>(Tape<T>&, const Var<T>&, const Var<T>&, const Var<T>&, \
                                    const std::vector<Index>&);
EDDYOP_INSTANTIATE(float)
EDDYOP_INSTANTIATE(double)

}  // namespace eddyop::ops
