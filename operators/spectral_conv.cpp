// The spectral convolution of the Fourier neural operator, forward and backward:
//
//   forward:  X = rfft(x)            (B, Cin, S^)    FFTW, batched over B*Cin signals, pruned to
//                                                    the columns k_{d-1} < m_{d-1} (r2c_kept)
//             A = X[kept modes]      (M, B, Cin)     gathered mode-major
//             O_m = A_m W_m          (M, B, Cout)    one complex GEMM per kept mode
//             Y[kept modes] = O / N  (B, Cout, S^)   zero elsewhere
//             y = irfft(Y)           (B, Cout, S)    Re(sum c_k Y e^{ikx}), pruned (c2r_kept)
//   backward: G = rfft(dy) c_k / N on the kept modes, where c_k = 2 for the interior modes of
//             the last axis (they stand for themselves and their conjugates in the real output)
//             and 1 on its zero and Nyquist planes; dW_m += A_m^H G_m; dA_m = G_m W_m^H;
//             dx += Re(sum over the kept half spectrum of dA e^{ikx}) = c2r_kept(dA / c_k).
//
// Complex values are interleaved (re, im) pairs; gradients of complex quantities follow the
// convention G = dL/dRe + i dL/dIm, with which the GEMM adjoints are the conjugate transposes.
#include <map>
#include <mutex>

#include "core/tensor/fft.hpp"
#include "operators/fourier_layer.hpp"
#include "operators/gelu_math.hpp"
#include "operators/host_loop.hpp"
#include "operators/op_util.hpp"
#include "operators/ops.hpp"

namespace eddyop::ops {

using namespace detail;

namespace {

// Positions of the kept modes in the half spectrum (row-major over n_1..n_{d-1}, n_d/2+1), in the
// order of w's rows; cached per (sizes, modes) so that a training step allocates nothing.
using ModeTable = Kokkos::View<Index*, tensor::MemSpace>;

ModeTable mode_table(const std::vector<Index>& n, const std::vector<Index>& m) {
  static std::mutex mutex;
  static std::map<std::pair<std::vector<Index>, std::vector<Index>>, ModeTable> cache;
  std::lock_guard<std::mutex> lock(mutex);
  if (cache.empty())  // the tables are Kokkos memory: free them before Kokkos goes
    Kokkos::push_finalize_hook([]() {
      std::lock_guard<std::mutex> inner(mutex);
      cache.clear();
    });
  auto key = std::make_pair(n, m);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  const int d = static_cast<int>(n.size());
  const Index H = n[static_cast<std::size_t>(d - 1)] / 2 + 1;
  const Index blocks = Index{1} << (d - 1);
  Index per_block = 1;
  for (Index v : m) per_block *= v;
  ModeTable table("eddyop::SpectralConv::modes", static_cast<std::size_t>(blocks * per_block));
  auto host = Kokkos::create_mirror_view(table);
  for (Index blk = 0; blk < blocks; ++blk)
    for (Index j = 0; j < per_block; ++j) {
      Index rest = j, pos = 0, mult = 1;
      for (int a = d - 1; a >= 0; --a) {
        const Index ma = m[static_cast<std::size_t>(a)];
        const Index na = a == d - 1 ? H : n[static_cast<std::size_t>(a)];
        Index k = rest % ma;
        rest /= ma;
        if (a < d - 1 && ((blk >> a) & 1)) k += na - ma;  // the negative-frequency corner
        pos += k * mult;
        mult *= na;
      }
      host(static_cast<std::size_t>(blk * per_block + j)) = pos;
    }
  Kokkos::deep_copy(table, host);
  cache.emplace(key, table);
  return table;
}

}  // namespace

Index spectral_modes(const std::vector<Index>& modes) {
  Index n = Index{1} << (modes.size() - 1);
  for (Index m : modes) n *= m;
  return n;
}

namespace {

// The sizes of one spectral convolution, checked once.
struct Geometry {
  std::vector<Index> n;
  Index B, Cin, Cout, M, H, S, N, nl;
  Index ml;  // kept modes of the last axis: the FFTs are pruned to the columns k_{d-1} < ml
  ModeTable pos;
};

// Zeroes the columns k_{d-1} < ml of every row of a half spectrum (signals, S) before the kept
// modes are scattered into it; c2r_kept reads nothing beyond them.
template <class T>
void zero_kept_columns(T* spectrum, Index signals, const Geometry& g, const char* name) {
  const Index H = g.H, w = 2 * g.ml;
  host_for(
      name, signals * (g.S / H), KOKKOS_LAMBDA(Index r) {
        T* row = spectrum + 2 * r * H;
        for (Index i = 0; i < w; ++i) row[i] = T(0);
      });
}

template <class T>
Geometry geometry(const Shape& xs, const Shape& ws, const std::vector<Index>& modes) {
  const int d = xs.rank() - 2;
  EDDYOP_CHECK(d >= 1 && d <= 3, "spectral_conv",
               "input " << xs.str()
                        << " is not (B, C, S...) "
                           "with 1 to 3 spatial axes");
  EDDYOP_CHECK(static_cast<int>(modes.size()) == d, "spectral_conv",
               modes.size() << " mode counts for " << d << " spatial axes");
  Geometry g;
  g.n.assign(xs.sizes().begin() + 2, xs.sizes().end());
  for (int a = 0; a < d; ++a) {
    const Index ma = modes[static_cast<std::size_t>(a)], na = g.n[static_cast<std::size_t>(a)];
    const bool ok = a == d - 1 ? (ma >= 1 && ma <= na / 2 + 1) : (ma >= 1 && 2 * ma <= na);
    EDDYOP_CHECK(ok, "spectral_conv",
                 "modes " << ma << " on axis " << a << " of size " << na
                          << " (need 1 <= m <= n/2 on the first axes, n/2+1 on the last)");
  }
  g.B = xs[0];
  g.Cin = xs[1];
  g.M = spectral_modes(modes);
  g.Cout = ws[2];
  EDDYOP_CHECK(ws == Shape({g.M, g.Cin, g.Cout, 2}), "spectral_conv",
               "weight " << ws.str() << " does not fit input " << xs.str() << " with " << g.M
                         << " kept modes");
  g.H = g.n.back() / 2 + 1;
  g.S = xs.span(2, xs.rank() - 1) * g.H;
  g.N = xs.span(2, xs.rank());
  g.nl = g.n.back();
  g.ml = modes.back();
  g.pos = mode_table(g.n, modes);
  return g;
}

// out (B, Cout, S...) = the spectral convolution of x; A (M, B, Cin, 2): the gathered modes,
// kept for dW (tape scratch). Uses workspaces 0 and 1.
template <class T>
void spectral_forward(Tape<T>& tape, const Geometry& g, const T* x, const T* w, T* out,
                      const tensor::TensorT<T>& A) {
  const Index B = g.B, Cin = g.Cin, Cout = g.Cout, M = g.M, S = g.S;
  const ModeTable pos = g.pos;
  auto X = tape.workspace(0, Shape({B, Cin, S, 2}));
  tensor::fft::r2c_kept(X.ptr(), x, B * Cin, g.n, g.ml);
  {
    const T* Xp = X.ptr();
    T* Ap = A.ptr();
    Kokkos::parallel_for(
        "eddyop::SpectralConv::forward::gather", range(M * B * Cin), KOKKOS_LAMBDA(Index i) {
          const Index m = i / (B * Cin), bc = i % (B * Cin);
          Ap[2 * i] = Xp[2 * (bc * S + pos(m))];
          Ap[2 * i + 1] = Xp[2 * (bc * S + pos(m)) + 1];
        });
  }
  auto O = tape.scratch(Shape({M, B, Cout, 2}));
  tensor::cgemm_batched(O.ptr(), A.ptr(), w, B, Cout, Cin, Trans::no, Trans::no, T(0), M,
                        B * Cout * 2, B * Cin * 2, Cin * Cout * 2);
  auto Y = tape.workspace(1, Shape({B, Cout, S, 2}));
  zero_kept_columns(Y.ptr(), B * Cout, g, "eddyop::SpectralConv::forward::zero");
  {
    const T* Op = O.ptr();
    T* Yp = Y.ptr();
    const T inv = T(1) / T(g.N);
    Kokkos::parallel_for(
        "eddyop::SpectralConv::forward::scatter", range(M * B * Cout), KOKKOS_LAMBDA(Index i) {
          const Index m = i / (B * Cout), bo = i % (B * Cout);
          Yp[2 * (bo * S + pos(m))] = inv * Op[2 * i];
          Yp[2 * (bo * S + pos(m)) + 1] = inv * Op[2 * i + 1];
        });
  }
  Kokkos::fence();
  tensor::fft::c2r_kept(out, Y.ptr(), B * Cout, g.n, g.ml);
}

// The backward of spectral_forward for the upstream gradient dy (B, Cout, S...): dW += ...,
// dx += ... (when asked). Uses workspaces 0, 1 and 2.
template <class T>
void spectral_backward(Tape<T>& tape, const Geometry& g, const T* dy, const Var<T>& x,
                       const Var<T>& w, const tensor::TensorT<T>& A) {
  const Index B = g.B, Cin = g.Cin, Cout = g.Cout, M = g.M, S = g.S, H = g.H, nl = g.nl;
  const ModeTable pos = g.pos;
  auto G = tape.workspace(0, Shape({B, Cout, S, 2}));
  tensor::fft::r2c_kept(G.ptr(), dy, B * Cout, g.n, g.ml);
  auto GO = tape.scratch(Shape({M, B, Cout, 2}));
  {
    const T* Gp = G.ptr();
    T* GOp = GO.ptr();
    const T inv = T(1) / T(g.N);
    Kokkos::parallel_for(
        "eddyop::SpectralConv::backward::gather", range(M * B * Cout), KOKKOS_LAMBDA(Index i) {
          const Index m = i / (B * Cout), bo = i % (B * Cout);
          const Index kl = pos(m) % H;
          const T c = (kl == 0 || 2 * kl == nl) ? T(1) : T(2);
          GOp[2 * i] = c * inv * Gp[2 * (bo * S + pos(m))];
          GOp[2 * i + 1] = c * inv * Gp[2 * (bo * S + pos(m)) + 1];
        });
  }
  if (tape.needs_grad(w)) {  // dW_m (Cin, Cout) += A_m^H (Cin, B) G_m (B, Cout)
    Kokkos::Profiling::pushRegion("eddyop::SpectralConv::backward::weights");
    tensor::cgemm_batched(tape.grad(w).ptr(), A.ptr(), GO.ptr(), Cin, Cout, B, Trans::conj,
                          Trans::no, T(1), M, Cin * Cout * 2, B * Cin * 2, B * Cout * 2);
    Kokkos::Profiling::popRegion();
  }
  if (!tape.needs_grad(x)) return;
  auto dA = tape.scratch(Shape({M, B, Cin, 2}));  // dA_m (B, Cin) = G_m (B, Cout) W_m^H
  tensor::cgemm_batched(dA.ptr(), GO.ptr(), w->value.ptr(), B, Cin, Cout, Trans::no, Trans::conj,
                        T(0), M, B * Cin * 2, B * Cout * 2, Cin * Cout * 2);
  auto dX = tape.workspace(1, Shape({B, Cin, S, 2}));
  zero_kept_columns(dX.ptr(), B * Cin, g, "eddyop::SpectralConv::backward::zero");
  {
    const T* dAp = dA.ptr();
    T* dXp = dX.ptr();
    Kokkos::parallel_for(
        "eddyop::SpectralConv::backward::scatter", range(M * B * Cin), KOKKOS_LAMBDA(Index i) {
          const Index m = i / (B * Cin), bc = i % (B * Cin);
          const Index kl = pos(m) % H;
          const T c = (kl == 0 || 2 * kl == nl) ? T(1) : T(0.5);  // c2r will double it back
          dXp[2 * (bc * S + pos(m))] = c * dAp[2 * i];
          dXp[2 * (bc * S + pos(m)) + 1] = c * dAp[2 * i + 1];
        });
  }
  Kokkos::fence();
  auto dx = tape.workspace(2, x->shape());
  tensor::fft::c2r_kept(dx.ptr(), dX.ptr(), B * Cin, g.n, g.ml);
  T* gx = tape.grad(x).ptr();
  const T* dxp = dx.ptr();
  const Index N = g.N;
  host_for(
      "eddyop::SpectralConv::backward::input", B * Cin, KOKKOS_LAMBDA(Index r) {
        for (Index i = r * N; i < (r + 1) * N; ++i) gx[i] += dxp[i];
      });
}

}  // namespace

template <class T>
Var<T> spectral_conv(Tape<T>& tape, const Var<T>& x, const Var<T>& w,
                     const std::vector<Index>& modes) {
  const Geometry g = geometry<T>(x->shape(), w->shape(), modes);
  Shape ys = x->shape();
  ys[1] = g.Cout;
  auto y = tape.make(ys, tape.needs_grad(x) || tape.needs_grad(w));
  Kokkos::Profiling::pushRegion("eddyop::SpectralConv::forward");
  auto A = tape.scratch(Shape({g.M, g.B, g.Cin, 2}));  // saved for dW
  spectral_forward(tape, g, x->value.ptr(), w->value.ptr(), y->value.ptr(), A);
  Kokkos::Profiling::popRegion();
  if (y->requires_grad)
    tape.record("eddyop::SpectralConv::backward", [&tape, x, w, y, A, g]() {
      if (!reached(y)) return;
      spectral_backward(tape, g, y->grad.ptr(), x, w, A);
    });
  return y;
}

template <class T>
Var<T> fourier_layer(Tape<T>& tape, const Var<T>& x, const Var<T>& w, const Var<T>& skip_w,
                     const Var<T>& skip_b, const std::vector<Index>& modes, bool activate) {
  const Geometry g = geometry<T>(x->shape(), w->shape(), modes);
  const Index B = g.B, Cin = g.Cin, Cout = g.Cout, P = g.N;
  EDDYOP_CHECK(skip_w->shape() == Shape({Cout, Cin}) && skip_b->shape() == Shape({Cout}),
               "fourier_layer",
               "skip weight " << skip_w->shape().str() << " / bias " << skip_b->shape().str()
                              << " do not fit " << Cin << " -> " << Cout << " channels");
  Shape ys = x->shape();
  ys[1] = Cout;
  const bool grad = tape.needs_grad(x) || tape.needs_grad(w) || tape.needs_grad(skip_w) ||
                    tape.needs_grad(skip_b);
  auto y = tape.make(ys, grad);
  Kokkos::Profiling::pushRegion("eddyop::FourierLayer::forward");
  // z = spectral(x) + skip_w x + skip_b, written once; y = gelu(z) in place unless z is kept.
  const bool keep_z = activate && y->requires_grad;
  tensor::TensorT<T> z = keep_z ? tape.scratch(ys) : y->value;
  auto A = tape.scratch(Shape({g.M, B, Cin, 2}));
  spectral_forward(tape, g, x->value.ptr(), w->value.ptr(), z.ptr(), A);
  tensor::gemm_batched(z.ptr(), skip_w->value.ptr(), x->value.ptr(), Cout, P, Cin, Trans::no,
                       Trans::no, T(1), T(1), B, Cout * P, 0, Cin * P);
  {
    const T* bp = skip_b->value.ptr();
    T* zp = z.ptr();
    T* yp = y->value.ptr();
    host_for(
        "eddyop::FourierLayer::forward::bias_gelu", B * Cout, KOKKOS_LAMBDA(Index r) {
          const T bias = bp[r % Cout];  // one row (sample, channel) at a time
          T* zr = zp + r * P;
          T* yr = yp + r * P;
          if (activate) {
            for (Index i = 0; i < P; ++i) {
              const T v = zr[i] + bias;
              zr[i] = v;
              yr[i] = gelu_value(v);
            }
          } else {
            for (Index i = 0; i < P; ++i) zr[i] += bias;
          }
        });
  }
  Kokkos::Profiling::popRegion();
  if (y->requires_grad)
    tape.record("eddyop::FourierLayer::backward", [&tape, x, w, skip_w, skip_b, y, z, A, g,
                                                   activate, B, Cin, Cout, P]() {
      if (!reached(y)) return;
      // dz = dy gelu'(z), in workspace 3 (dy itself without the activation); the bias gradient
      // is summed over each row of dz while it is in cache.
      const T* dz = y->grad.ptr();
      const bool bias_grad = tape.needs_grad(skip_b);
      if (activate) {
        auto ws = tape.workspace(3, y->shape());
        auto sums = tape.scratch(Shape({B, Cout}));
        const T* gy = y->grad.ptr();
        const T* zp = z.ptr();
        T* d = ws.ptr();
        T* sp = sums.ptr();
        host_for(
            "eddyop::FourierLayer::backward::gelu", B * Cout, KOKKOS_LAMBDA(Index r) {
              const T* gr = gy + r * P;
              const T* zr = zp + r * P;
              T* dr = d + r * P;
              for (Index i = 0; i < P; ++i) dr[i] = gr[i] * gelu_derivative(zr[i]);
              sp[r] = row_sum(dr, P);
            });
        dz = d;
        if (bias_grad) {
          T* db = tape.grad(skip_b).ptr();
          Kokkos::parallel_for(
              "eddyop::FourierLayer::backward::bias", range(Cout), KOKKOS_LAMBDA(Index c) {
                T s = 0;  // the order of add_channel_sums: rows summed in double, samples in T
                for (Index n = 0; n < B; ++n) s += sp[n * Cout + c];
                db[c] += s;
              });
        }
      } else if (bias_grad) {
        add_channel_sums(tape.grad(skip_b).ptr(), dz, B, Cout, P,
                         "eddyop::FourierLayer::backward::bias");
      }
      if (tape.needs_grad(skip_w))  // dw (Cout, Cin) += sum_b dz_b x_b^T
        tensor::gemm_batched(tape.grad(skip_w).ptr(), dz, x->value.ptr(), Cout, Cin, P, Trans::no,
                             Trans::yes, T(1), T(1), B, 0, Cout * P, Cin * P);
      if (tape.needs_grad(x))  // dx_b (Cin, P) += w^T dz_b
        tensor::gemm_batched(tape.grad(x).ptr(), skip_w->value.ptr(), dz, Cin, P, Cout, Trans::yes,
                             Trans::no, T(1), T(1), B, Cin * P, 0, Cout * P);
      if (tape.needs_grad(w) || tape.needs_grad(x)) spectral_backward(tape, g, dz, x, w, A);
    });
  return y;
}

namespace {

// The projection of an FNO with few output channels (its usual 1 to 3): w2 is applied inside the
// GELU pass, chunk by chunk of points, so that gelu(z) is never stored (forward), and the backward
// forms dz = gelu'(z) w2^T dy, dw2 and db1 in one pass over z and dy instead of a GELU pass, two
// GEMMs and a GELU-derivative pass over (B, Ch, P) tensors.
constexpr Index kFusedOutputs = 4;
constexpr Index kChunk = 256;  // points per task: a chunk of every row of z stays in L1/L2

template <class T>
void projection_fused(Tape<T>& tape, const Var<T>& x, const Var<T>& w1, const Var<T>& b1,
                      const Var<T>& w2, const Var<T>& b2, const Var<T>& y) {
  const Shape& xs = x->shape();
  const Index B = xs[0], Cin = xs[1], P = xs.span(2, xs.rank()), Ch = w1->shape()[0],
              Cout = w2->shape()[0];
  const Index Q = (P + kChunk - 1) / kChunk, tasks = B * Q;
  Shape hs = xs;
  hs[1] = Ch;
  // z = w1 x + b1 (B, Ch, P): kept for the backward, else in workspace 3.
  tensor::TensorT<T> z = y->requires_grad ? tape.scratch(hs) : tape.workspace(3, hs);
  tensor::gemm_batched(z.ptr(), w1->value.ptr(), x->value.ptr(), Ch, P, Cin, Trans::no, Trans::no,
                       T(1), T(0), B, Ch * P, 0, Cin * P);
  {
    T* zp = z.ptr();
    T* yp = y->value.ptr();
    const T* b1p = b1->value.ptr();
    const T* w2p = w2->value.ptr();
    const T* b2p = b2->value.ptr();
    host_for(
        "eddyop::Projection::forward", tasks, KOKKOS_LAMBDA(Index t) {
          const Index b = t / Q, p0 = (t % Q) * kChunk, n = P - p0 < kChunk ? P - p0 : kChunk;
          T g[kChunk];
          for (Index o = 0; o < Cout; ++o) {
            T* yr = yp + (b * Cout + o) * P + p0;
            for (Index i = 0; i < n; ++i) yr[i] = b2p[o];
          }
          for (Index c = 0; c < Ch; ++c) {
            T* zr = zp + (b * Ch + c) * P + p0;
            const T bias = b1p[c];
            for (Index i = 0; i < n; ++i) {
              const T v = zr[i] + bias;
              zr[i] = v;
              g[i] = gelu_value(v);
            }
            for (Index o = 0; o < Cout; ++o) {
              T* yr = yp + (b * Cout + o) * P + p0;
              const T wv = w2p[o * Ch + c];
              for (Index i = 0; i < n; ++i) yr[i] += wv * g[i];
            }
          }
        });
  }
  if (!y->requires_grad) return;
  tape.record("eddyop::Projection::backward", [&tape, x, w1, b1, w2, b2, y, z, hs, B, Cin, Ch, Cout,
                                               P, Q, tasks]() {
    if (!reached(y)) return;
    const T* dy = y->grad.ptr();
    if (tape.needs_grad(b2))
      add_channel_sums(tape.grad(b2).ptr(), dy, B, Cout, P, "eddyop::Projection::backward::bias2");
    // dz = gelu'(z) w2^T dy in workspace 3; per task, the partial sums of dw2 (Cout, Ch) and
    // db1 (Ch), added up over the tasks afterwards (no two tasks write the same entry).
    auto dz = tape.workspace(3, hs);
    const Index R = Cout + 1;
    auto part = tape.scratch(Shape({tasks, R, Ch}));
    {
      const T* zp = z.ptr();
      const T* w2p = w2->value.ptr();
      T* dzp = dz.ptr();
      T* pp = part.ptr();
      host_for(
          "eddyop::Projection::backward::gelu", tasks, KOKKOS_LAMBDA(Index t) {
            const Index b = t / Q, p0 = (t % Q) * kChunk, n = P - p0 < kChunk ? P - p0 : kChunk;
            // Loops without a carried sum (those vectorise); sums by row_sum over the chunk.
            T g[kChunk], d[kChunk], u[kChunk], e[kChunk];
            for (Index c = 0; c < Ch; ++c) {
              const T* zr = zp + (b * Ch + c) * P + p0;
              for (Index i = 0; i < n; ++i) {
                gelu_and_derivative(zr[i], g[i], d[i]);
                u[i] = T(0);
              }
              for (Index o = 0; o < Cout; ++o) {
                const T* dyr = dy + (b * Cout + o) * P + p0;
                const T wv = w2p[o * Ch + c];
                for (Index i = 0; i < n; ++i) {
                  e[i] = dyr[i] * g[i];
                  u[i] += wv * dyr[i];
                }
                pp[(t * R + o) * Ch + c] = row_sum(e, n);
              }
              T* dzr = dzp + (b * Ch + c) * P + p0;
              for (Index i = 0; i < n; ++i) dzr[i] = d[i] * u[i];
              pp[(t * R + Cout) * Ch + c] = row_sum(dzr, n);
            }
          });
    }
    {
      const bool gw2 = tape.needs_grad(w2), gb1 = tape.needs_grad(b1);
      T* dw2 = gw2 ? tape.grad(w2).ptr() : nullptr;
      T* db1 = gb1 ? tape.grad(b1).ptr() : nullptr;
      const T* pp = part.ptr();
      Kokkos::parallel_for(
          "eddyop::Projection::backward::partial_sums", range(R * Ch), KOKKOS_LAMBDA(Index j) {
            double s = 0;
            for (Index t = 0; t < tasks; ++t) s += static_cast<double>(pp[t * R * Ch + j]);
            if (j < Cout * Ch) {
              if (gw2) dw2[j] += static_cast<T>(s);
            } else if (gb1) {
              db1[j - Cout * Ch] += static_cast<T>(s);
            }
          });
    }
    if (tape.needs_grad(w1))
      tensor::gemm_batched(tape.grad(w1).ptr(), dz.ptr(), x->value.ptr(), Ch, Cin, P, Trans::no,
                           Trans::yes, T(1), T(1), B, 0, Ch * P, Cin * P);
    if (tape.needs_grad(x))
      tensor::gemm_batched(tape.grad(x).ptr(), w1->value.ptr(), dz.ptr(), Cin, P, Ch, Trans::yes,
                           Trans::no, T(1), T(1), B, Cin * P, 0, Ch * P);
  });
}

}  // namespace

template <class T>
Var<T> projection(Tape<T>& tape, const Var<T>& x, const Var<T>& w1, const Var<T>& b1,
                  const Var<T>& w2, const Var<T>& b2) {
  const Shape& xs = x->shape();
  EDDYOP_CHECK(xs.rank() >= 2, "projection", "input " << xs.str() << " is not (B, C, S...)");
  const Index B = xs[0], Cin = xs[1], P = xs.span(2, xs.rank()), Ch = w1->shape()[0],
              Cout = w2->shape()[0];
  EDDYOP_CHECK(w1->shape() == Shape({Ch, Cin}) && b1->shape() == Shape({Ch}) &&
                   w2->shape() == Shape({Cout, Ch}) && b2->shape() == Shape({Cout}),
               "projection",
               "weights " << w1->shape().str() << ", " << w2->shape().str() << " / biases "
                          << b1->shape().str() << ", " << b2->shape().str() << " do not fit "
                          << xs.str());
  Shape ys = xs;
  ys[1] = Cout;
  Shape hs = xs;
  hs[1] = Ch;
  const bool grad = tape.needs_grad(x) || tape.needs_grad(w1) || tape.needs_grad(b1) ||
                    tape.needs_grad(w2) || tape.needs_grad(b2);
  auto y = tape.make(ys, grad);
  if (Cout <= kFusedOutputs) {
    projection_fused(tape, x, w1, b1, w2, b2, y);
    return y;
  }
  // z = w1 x + b1 (kept for the backward), g = gelu(z) in a workspace (recomputed there): 3 when
  // z is kept, else 0 (free here; z is then in 3).
  tensor::TensorT<T> z = y->requires_grad ? tape.scratch(hs) : tape.workspace(3, hs);
  auto gz = tape.workspace(y->requires_grad ? 3 : 0, hs);
  tensor::gemm_batched(z.ptr(), w1->value.ptr(), x->value.ptr(), Ch, P, Cin, Trans::no, Trans::no,
                       T(1), T(0), B, Ch * P, 0, Cin * P);
  auto bias_gelu = [P](T* zp, T* gp, const T* bp, Index rows, Index C, bool add) {
    for (Index r = 0; r < rows; ++r) {
      const T bias = add ? bp[r % C] : T(0);
      T* zr = zp + r * P;
      T* gr = gp + r * P;
      Kokkos::parallel_for(
          "eddyop::Projection::bias_gelu", range(P), KOKKOS_LAMBDA(Index i) {
            const T v = zr[i] + bias;
            zr[i] = v;
            gr[i] = gelu_value(v);
          });
    }
  };
  bias_gelu(z.ptr(), gz.ptr(), b1->value.ptr(), B * Ch, Ch, true);
  {
    T* yp = y->value.ptr();
    const T* bp = b2->value.ptr();
    for (Index r = 0; r < B * Cout; ++r) {
      const T bias = bp[r % Cout];
      T* yr = yp + r * P;
      Kokkos::parallel_for(
          "eddyop::Projection::bias", range(P), KOKKOS_LAMBDA(Index i) { yr[i] = bias; });
    }
  }
  tensor::gemm_batched(y->value.ptr(), w2->value.ptr(), gz.ptr(), Cout, P, Ch, Trans::no, Trans::no,
                       T(1), T(1), B, Cout * P, 0, Ch * P);
  if (y->requires_grad)
    tape.record("eddyop::Projection::backward",
                [&tape, x, w1, b1, w2, b2, y, z, hs, B, Cin, Ch, Cout, P]() {
                  if (!reached(y)) return;
                  const T* dy = y->grad.ptr();
                  auto g = tape.workspace(3, hs);  // gelu(z) again, until dz overwrites it
                  {
                    const T* zp = z.ptr();
                    T* gp = g.ptr();
                    Kokkos::parallel_for(
                        "eddyop::Projection::backward::gelu", range(B * Ch * P),
                        KOKKOS_LAMBDA(Index i) { gp[i] = gelu_value(zp[i]); });
                  }
                  if (tape.needs_grad(b2)) {
                    add_channel_sums(tape.grad(b2).ptr(), dy, B, Cout, P,
                                     "eddyop::Projection::backward::bias2");
                  }
                  if (tape.needs_grad(w2))  // dw2 (Cout, Ch) += sum_b dy_b g_b^T
                    tensor::gemm_batched(tape.grad(w2).ptr(), dy, g.ptr(), Cout, Ch, P, Trans::no,
                                         Trans::yes, T(1), T(1), B, 0, Cout * P, Ch * P);
                  if (!(tape.needs_grad(x) || tape.needs_grad(w1) || tape.needs_grad(b1))) return;
                  // dz = (w2^T dy) gelu'(z), in workspace 3 (g is no longer needed)
                  auto dz = tape.workspace(3, hs);
                  tensor::gemm_batched(dz.ptr(), w2->value.ptr(), dy, Ch, P, Cout, Trans::yes,
                                       Trans::no, T(1), T(0), B, Ch * P, 0, Cout * P);
                  {
                    const T* zp = z.ptr();
                    T* d = dz.ptr();
                    Kokkos::parallel_for(
                        "eddyop::Projection::backward::gelu_derivative", range(B * Ch * P),
                        KOKKOS_LAMBDA(Index i) { d[i] *= gelu_derivative(zp[i]); });
                  }
                  if (tape.needs_grad(b1)) {
                    add_channel_sums(tape.grad(b1).ptr(), dz.ptr(), B, Ch, P,
                                     "eddyop::Projection::backward::bias1");
                  }
                  if (tape.needs_grad(w1))
                    tensor::gemm_batched(tape.grad(w1).ptr(), dz.ptr(), x->value.ptr(), Ch, Cin, P,
                                         Trans::no, Trans::yes, T(1), T(1), B, 0, Ch * P, Cin * P);
                  if (tape.needs_grad(x))
                    tensor::gemm_batched(tape.grad(x).ptr(), w1->value.ptr(), dz.ptr(), Cin, P, Ch,
                                         Trans::yes, Trans::no, T(1), T(1), B, Cin * P, 0, Ch * P);
                });
  return y;
}

template Var<float> spectral_conv<float>(Tape<float>&, const Var<float>&, const Var<float>&,
                                         const std::vector<Index>&);
template Var<double> spectral_conv<double>(Tape<double>&, const Var<double>&, const Var<double>&,
                                           const std::vector<Index>&);
template Var<float> fourier_layer<float>(Tape<float>&, const Var<float>&, const Var<float>&,
                                         const Var<float>&, const Var<float>&,
                                         const std::vector<Index>&, bool);
template Var<double> fourier_layer<double>(Tape<double>&, const Var<double>&, const Var<double>&,
                                           const Var<double>&, const Var<double>&,
                                           const std::vector<Index>&, bool);
template Var<float> projection<float>(Tape<float>&, const Var<float>&, const Var<float>&,
                                      const Var<float>&, const Var<float>&, const Var<float>&);
template Var<double> projection<double>(Tape<double>&, const Var<double>&, const Var<double>&,
                                        const Var<double>&, const Var<double>&, const Var<double>&);

}  // namespace eddyop::ops
