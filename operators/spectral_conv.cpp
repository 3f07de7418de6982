// The spectral convolution of the Fourier neural operator, forward and backward:
//
//   forward:  X = rfft(x)            (B, Cin, S^)    FFTW, batched over B*Cin signals
//             A = X[kept modes]      (M, B, Cin)     gathered mode-major
//             O_m = A_m W_m          (M, B, Cout)    one complex GEMM per kept mode
//             Y[kept modes] = O / N  (B, Cout, S^)   zero elsewhere
//             y = irfft(Y)           (B, Cout, S)    c2r after the Hermitian fold
//   backward: G = rfft(dy) c_k / N on the kept modes, where c_k = 2 for the interior modes of
//             the last axis (they stand for themselves and their conjugates in the real output)
//             and 1 on its zero and Nyquist planes; dW_m += A_m^H G_m; dA_m = G_m W_m^H;
//             dx += Re(sum over the kept half spectrum of dA e^{ikx}) = c2r(dA / c_k).
//
// Complex values are interleaved (re, im) pairs; gradients of complex quantities follow the
// convention G = dL/dRe + i dL/dIm, with which the GEMM adjoints are the conjugate transposes.
#include <map>
#include <mutex>

#include "core/tensor/fft.hpp"
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

template <class T>
Var<T> spectral_conv(Tape<T>& tape, const Var<T>& x, const Var<T>& w,
                     const std::vector<Index>& modes) {
  const Shape& xs = x->shape();
  const int d = xs.rank() - 2;
  EDDYOP_CHECK(d >= 1 && d <= 3, "spectral_conv",
               "input " << xs.str()
                        << " is not (B, C, S...) "
                           "with 1 to 3 spatial axes");
  EDDYOP_CHECK(static_cast<int>(modes.size()) == d, "spectral_conv",
               modes.size() << " mode counts for " << d << " spatial axes");
  std::vector<Index> n(xs.sizes().begin() + 2, xs.sizes().end());
  for (int a = 0; a < d; ++a) {
    const Index ma = modes[static_cast<std::size_t>(a)], na = n[static_cast<std::size_t>(a)];
    const bool ok = a == d - 1 ? (ma >= 1 && ma <= na / 2 + 1) : (ma >= 1 && 2 * ma <= na);
    EDDYOP_CHECK(ok, "spectral_conv",
                 "modes " << ma << " on axis " << a << " of size " << na
                          << " (need 1 <= m <= n/2 on the first axes, n/2+1 on the last)");
  }
  const Index B = xs[0], Cin = xs[1], M = spectral_modes(modes), Cout = w->shape()[2];
  EDDYOP_CHECK(w->shape() == Shape({M, Cin, Cout, 2}), "spectral_conv",
               "weight " << w->shape().str() << " does not fit input " << xs.str() << " with " << M
                         << " kept modes");
  const Index H = n.back() / 2 + 1, S = xs.span(2, xs.rank() - 1) * H, N = xs.span(2, xs.rank());
  const Index nl = n.back();
  const ModeTable pos = mode_table(n, modes);

  Shape ys = xs;
  ys[1] = Cout;
  auto y = tape.make(ys, tape.needs_grad(x) || tape.needs_grad(w));

  Kokkos::Profiling::pushRegion("eddyop::SpectralConv::forward");
  auto X = tape.workspace(0, Shape({B, Cin, S, 2}));
  tensor::fft::r2c(X.ptr(), x->value.ptr(), B * Cin, n);
  auto A = tape.scratch(Shape({M, B, Cin, 2}));  // saved for dW
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
  tensor::cgemm_batched(O.ptr(), A.ptr(), w->value.ptr(), B, Cout, Cin, Trans::no, Trans::no, T(0),
                        M, B * Cout * 2, B * Cin * 2, Cin * Cout * 2);
  auto Y = tape.workspace(1, Shape({B, Cout, S, 2}));
  Kokkos::deep_copy(
      Kokkos::subview(Y.data, std::make_pair(std::size_t{0}, static_cast<std::size_t>(Y.numel()))),
      T(0));
  {
    const T* Op = O.ptr();
    T* Yp = Y.ptr();
    const T inv = T(1) / T(N);
    Kokkos::parallel_for(
        "eddyop::SpectralConv::forward::scatter", range(M * B * Cout), KOKKOS_LAMBDA(Index i) {
          const Index m = i / (B * Cout), bo = i % (B * Cout);
          Yp[2 * (bo * S + pos(m))] = inv * Op[2 * i];
          Yp[2 * (bo * S + pos(m)) + 1] = inv * Op[2 * i + 1];
        });
  }
  Kokkos::fence();
  tensor::fft::hermitian_fold(Y.ptr(), B * Cout, n);
  tensor::fft::c2r(y->value.ptr(), Y.ptr(), B * Cout, n);
  Kokkos::Profiling::popRegion();

  if (y->requires_grad)
    tape.record("eddyop::SpectralConv::backward", [&tape, x, w, y, A, n, pos, B, Cin, Cout, M, S, N,
                                                   H, nl]() {
      if (!reached(y)) return;
      auto G = tape.workspace(0, Shape({B, Cout, S, 2}));
      tensor::fft::r2c(G.ptr(), y->grad.ptr(), B * Cout, n);
      auto GO = tape.scratch(Shape({M, B, Cout, 2}));
      {
        const T* Gp = G.ptr();
        T* GOp = GO.ptr();
        const T inv = T(1) / T(N);
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
      tensor::cgemm_batched(dA.ptr(), GO.ptr(), w->value.ptr(), B, Cin, Cout, Trans::no,
                            Trans::conj, T(0), M, B * Cin * 2, B * Cout * 2, Cin * Cout * 2);
      auto dX = tape.workspace(1, Shape({B, Cin, S, 2}));
      Kokkos::deep_copy(
          Kokkos::subview(dX.data,
                          std::make_pair(std::size_t{0}, static_cast<std::size_t>(dX.numel()))),
          T(0));
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
      tensor::fft::hermitian_fold(dX.ptr(), B * Cin, n);
      auto dx = tape.workspace(2, x->shape());
      tensor::fft::c2r(dx.ptr(), dX.ptr(), B * Cin, n);
      T* gx = tape.grad(x).ptr();
      const T* dxp = dx.ptr();
      Kokkos::parallel_for(
          "eddyop::SpectralConv::backward::input", range(x->value.numel()),
          KOKKOS_LAMBDA(Index i) { gx[i] += dxp[i]; });
    });
  return y;
}

template Var<float> spectral_conv<float>(Tape<float>&, const Var<float>&, const Var<float>&,
                                         const std::vector<Index>&);
template Var<double> spectral_conv<double>(Tape<double>&, const Var<double>&, const Var<double>&,
                                           const std::vector<Index>&);

}  // namespace eddyop::ops
