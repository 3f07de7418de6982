// Losses: forward and backward kernels side by side. Each forward keeps the per-sample error e
// and the per-sample norms in the tape's arena; the backward scales e (or its spectral filtering)
// by the per-sample factor of the chain rule.
#include "surrogates/loss.hpp"

#include <cmath>

#include "core/tensor/fft.hpp"

namespace eddyop::surrogates {

using tensor::ExecSpace;
using tensor::Shape;

namespace {

using Range = Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<Index>>;
using TeamPolicy = Kokkos::TeamPolicy<ExecSpace>;
using Member = TeamPolicy::member_type;

template <class T>
void check_pair(const char* loss, const Var<T>& pred, const TensorT<T>& target) {
  EDDYOP_CHECK(pred->shape() == target.shape, "loss",
               loss << ": prediction " << pred->shape().str() << " and target "
                    << target.shape.str() << " differ in shape");
  EDDYOP_CHECK(pred->shape().rank() >= 2, "loss",
               loss << ": needs (B, ...), got " << pred->shape().str());
}

// e (B n) = p - y
template <class T>
void difference(T* e, const T* p, const T* y, Index total) {
  Kokkos::parallel_for(
      "eddyop::loss::difference", Range(0, total), KOKKOS_LAMBDA(Index i) { e[i] = p[i] - y[i]; });
}

// s (B, 2): s[b, 0] = sum_i w(i) a[b, i]^2 and s[b, 1] the same of c (c may be null). w(i) is
// weight[i / pair], or 1 when weight is null; pair = 2 for interleaved complex values. Sums in
// double: a float sum over 10^5 points would lose the loss's fourth digit.
template <class T>
void weighted_sums(double* s, const T* a, const T* c, const T* weight, Index pair, Index B,
                   Index n) {
  Kokkos::parallel_for(
      "eddyop::loss::sums", TeamPolicy(static_cast<int>(B), Kokkos::AUTO),
      KOKKOS_LAMBDA(const Member& team) {
        const Index b = team.league_rank();
        const T* ab = a + b * n;
        double sa = 0, sc = 0;
        Kokkos::parallel_reduce(
            Kokkos::TeamThreadRange(team, n),
            [&](Index i, double& acc) {
              const double w = weight ? static_cast<double>(weight[i / pair]) : 1.0;
              acc += w * static_cast<double>(ab[i]) * static_cast<double>(ab[i]);
            },
            sa);
        if (c) {
          const T* cb = c + b * n;
          Kokkos::parallel_reduce(
              Kokkos::TeamThreadRange(team, n),
              [&](Index i, double& acc) {
                const double w = weight ? static_cast<double>(weight[i / pair]) : 1.0;
                acc += w * static_cast<double>(cb[i]) * static_cast<double>(cb[i]);
              },
              sc);
        }
        Kokkos::single(Kokkos::PerTeam(team), [&]() {
          s[2 * b] = sa;
          s[2 * b + 1] = sc;
        });
      });
}

enum class Ratio { relative, mean_square };

// out (1) = sum_b r_b / denominator, with r_b = sqrt(s0 / s1) (relative) or s0 / n (mean square).
template <class T>
void reduce_batch(T* out, const double* s, Ratio ratio, Index B, Index n, double denominator) {
  Kokkos::parallel_for(
      "eddyop::loss::reduce", Range(0, 1), KOKKOS_LAMBDA(Index) {
        double total = 0;
        for (Index b = 0; b < B; ++b)
          total += ratio == Ratio::relative ? std::sqrt(s[2 * b] / s[2 * b + 1])
                                            : s[2 * b] / static_cast<double>(n);
        out[0] = static_cast<T>(total / denominator);
      });
}

// gp[b, i] += g f_b v[b, i], with f_b the derivative of r_b / denominator with respect to e
// divided by v: 1 / (|e| |y| denominator) for the relative norms (v = e, or the spectrally
// weighted e for H1), 2 / (n denominator) for the mean square.
template <class T>
void backward_scale(T* gp, const T* g, const T* v, const double* s, Ratio ratio, Index B, Index n,
                    double denominator) {
  Kokkos::parallel_for(
      "eddyop::loss::backward", Range(0, B * n), KOKKOS_LAMBDA(Index i) {
        const Index b = i / n;
        double f;
        if (ratio == Ratio::relative) {
          const double num = std::sqrt(s[2 * b]), den = std::sqrt(s[2 * b + 1]);
          f = num > 0 ? 1.0 / (num * den * denominator) : 0.0;  // a subgradient at e = 0
        } else {
          f = 2.0 / (static_cast<double>(n) * denominator);
        }
        gp[i] += static_cast<T>(static_cast<double>(g[0]) * f) * v[i];
      });
}

Kokkos::View<double*, tensor::MemSpace> sums_view(Index B) {
  return Kokkos::View<double*, tensor::MemSpace>("eddyop::loss::sums", static_cast<size_t>(2 * B));
}

// The half-spectrum weights of spectral_h1: w = 1 + |k|^2 (the squared Sobolev weight, used by
// the backward) and m w with m the multiplicity of the mode in the full spectrum (the norms).
template <class T>
void h1_weights(TensorT<T>& w, TensorT<T>& mw, const std::vector<Index>& dims) {
  const int d = static_cast<int>(dims.size());
  std::vector<Index> half = dims;
  half.back() = dims.back() / 2 + 1;
  Index h = 1;
  for (Index s : half) h *= s;
  std::vector<T> wh(static_cast<size_t>(h)), mwh(static_cast<size_t>(h));
  for (Index j = 0; j < h; ++j) {
    Index rest = j;
    double k2 = 0;
    Index k_last = 0;
    for (int a = d - 1; a >= 0; --a) {
      const Index i = rest % half[static_cast<size_t>(a)];
      rest /= half[static_cast<size_t>(a)];
      const Index n = dims[static_cast<size_t>(a)];
      const Index k = a == d - 1 ? i : (2 * i <= n ? i : i - n);  // |k| <= n/2 on full axes
      if (a == d - 1) k_last = i;
      k2 += static_cast<double>(k) * static_cast<double>(k);
    }
    const Index n_last = dims.back();
    const bool single = k_last == 0 || (n_last % 2 == 0 && 2 * k_last == n_last);
    wh[static_cast<size_t>(j)] = static_cast<T>(1.0 + k2);
    mwh[static_cast<size_t>(j)] = static_cast<T>((single ? 1.0 : 2.0) * (1.0 + k2));
  }
  tensor::from_host(w, wh);
  tensor::from_host(mw, mwh);
}

}  // namespace

LossKind parse_loss(const std::string& name) {
  if (name == "rel_l2") return LossKind::rel_l2;
  if (name == "mse") return LossKind::mse;
  if (name == "h1") return LossKind::h1;
  EDDYOP_FAIL("loss", "unknown loss '" << name << "'; the losses are rel_l2, mse, h1");
}

template <class T>
Var<T> relative_l2(Tape<T>& tape, const Var<T>& pred, const TensorT<T>& target,
                   double denominator) {
  check_pair("relative_l2", pred, target);
  const Index B = pred->shape()[0], n = pred->shape().numel() / B;
  auto out = tape.make(Shape{1}, tape.needs_grad(pred));
  TensorT<T> e = tape.scratch(pred->shape());  // (B, C, S...)
  auto s = sums_view(B);                       // (B, 2): |e_b|^2, |y_b|^2
  difference(e.ptr(), pred->value.ptr(), target.ptr(), B * n);
  weighted_sums<T>(s.data(), e.ptr(), target.ptr(), nullptr, 1, B, n);
  reduce_batch(out->value.ptr(), s.data(), Ratio::relative, B, n, denominator);
  if (out->requires_grad)
    tape.record("eddyop::loss::relative_l2::backward",
                [&tape, pred, out, e, s, B, n, denominator]() {
                  if (out->grad.empty()) return;
                  backward_scale(tape.grad(pred).ptr(), out->grad.ptr(), e.ptr(), s.data(),
                                 Ratio::relative, B, n, denominator);
                });
  return out;
}

template <class T>
Var<T> mse(Tape<T>& tape, const Var<T>& pred, const TensorT<T>& target, double denominator) {
  check_pair("mse", pred, target);
  const Index B = pred->shape()[0], n = pred->shape().numel() / B;
  auto out = tape.make(Shape{1}, tape.needs_grad(pred));
  TensorT<T> e = tape.scratch(pred->shape());  // (B, C, S...)
  auto s = sums_view(B);                       // (B, 2): |e_b|^2, unused
  difference(e.ptr(), pred->value.ptr(), target.ptr(), B * n);
  weighted_sums<T>(s.data(), e.ptr(), nullptr, nullptr, 1, B, n);
  reduce_batch(out->value.ptr(), s.data(), Ratio::mean_square, B, n, denominator);
  if (out->requires_grad)
    tape.record("eddyop::loss::mse::backward", [&tape, pred, out, e, s, B, n, denominator]() {
      if (out->grad.empty()) return;
      backward_scale(tape.grad(pred).ptr(), out->grad.ptr(), e.ptr(), s.data(), Ratio::mean_square,
                     B, n, denominator);
    });
  return out;
}

template <class T>
Var<T> spectral_h1(Tape<T>& tape, const Var<T>& pred, const TensorT<T>& target,
                   double denominator) {
  check_pair("spectral_h1", pred, target);
  const Shape& ps = pred->shape();
  EDDYOP_CHECK(ps.rank() >= 3 && ps.rank() <= 5, "loss",
               "spectral_h1 needs (B, C, S...) with 1 to 3 spatial axes, got " << ps.str());
  const Index B = ps[0], C = ps[1], n = ps.numel() / B;
  const std::vector<Index> dims(ps.sizes().begin() + 2, ps.sizes().end());
  std::vector<Index> half_sizes = {B, C};
  half_sizes.insert(half_sizes.end(), dims.begin(), dims.end());
  half_sizes.back() = dims.back() / 2 + 1;
  const Shape half(half_sizes);           // (B, C, n_0, ..., n_last/2+1) complex modes
  const Index nh = 2 * half.numel() / B;  // real values per sample of the spectrum
  Shape weight_shape{half.span(2, half.rank())};
  TensorT<T> w = tape.scratch(weight_shape), mw = tape.scratch(weight_shape);
  h1_weights(w, mw, dims);

  auto out = tape.make(Shape{1}, tape.needs_grad(pred));
  TensorT<T> e = tape.scratch(ps);                       // (B, C, S...), then y
  TensorT<T> E = tape.scratch(Shape{2 * half.numel()});  // F(p - y), half spectrum
  TensorT<T> Y = tape.scratch(Shape{2 * half.numel()});  // F(y)
  auto s = sums_view(B);                                 // (B, 2)
  Kokkos::deep_copy(Kokkos::subview(e.data, std::make_pair(size_t{0}, size_t(B * n))),
                    Kokkos::subview(target.data, std::make_pair(size_t{0}, size_t(B * n))));
  Kokkos::fence();
  tensor::fft::r2c(Y.ptr(), e.ptr(), B * C, dims);
  difference(e.ptr(), pred->value.ptr(), target.ptr(), B * n);
  Kokkos::fence();
  tensor::fft::r2c(E.ptr(), e.ptr(), B * C, dims);
  // The weights repeat for every channel: index them by mode within one (b, c) spectrum.
  const Index modes = weight_shape[0];
  TensorT<T> mw_full = tape.scratch(Shape{C * modes});
  {
    const T* src = mw.ptr();
    T* dst = mw_full.ptr();
    Kokkos::parallel_for(
        "eddyop::loss::h1::weights", Range(0, C * modes),
        KOKKOS_LAMBDA(Index i) { dst[i] = src[i % modes]; });
  }
  weighted_sums<T>(s.data(), E.ptr(), Y.ptr(), mw_full.ptr(), 2, B, nh);
  reduce_batch(out->value.ptr(), s.data(), Ratio::relative, B, n, denominator);
  if (out->requires_grad)
    tape.record("eddyop::loss::spectral_h1::backward",
                [&tape, pred, out, E, w, s, dims, B, C, n, modes, denominator]() {
                  if (out->grad.empty()) return;
                  // d|W^(1/2) F e|^2 / de = 2 F^H W F e, and c2r is F^H on a Hermitian spectrum.
                  T* Ep = E.ptr();
                  const T* wp = w.ptr();
                  Kokkos::parallel_for(
                      "eddyop::loss::h1::filter", Range(0, B * C * modes), KOKKOS_LAMBDA(Index j) {
                        Ep[2 * j] *= wp[j % modes];
                        Ep[2 * j + 1] *= wp[j % modes];
                      });
                  Kokkos::fence();
                  TensorT<T> v = tape.scratch(pred->shape());
                  tensor::fft::c2r(v.ptr(), Ep, B * C, dims);
                  backward_scale(tape.grad(pred).ptr(), out->grad.ptr(), v.ptr(), s.data(),
                                 Ratio::relative, B, n, denominator);
                });
  return out;
}

template <class T>
Var<T> loss(LossKind kind, Tape<T>& tape, const Var<T>& pred, const TensorT<T>& target,
            double denominator) {
  switch (kind) {
    case LossKind::rel_l2:
      return relative_l2(tape, pred, target, denominator);
    case LossKind::mse:
      return mse(tape, pred, target, denominator);
    default:
      return spectral_h1(tape, pred, target, denominator);
  }
}

#define EDDYOP_INSTANTIATE(T)                                                         \
  template Var<T> relative_l2<T>(Tape<T>&, const Var<T>&, const TensorT<T>&, double); \
  template Var<T> mse<T>(Tape<T>&, const Var<T>&, const TensorT<T>&, double);         \
  template Var<T> spectral_h1<T>(Tape<T>&, const Var<T>&, const TensorT<T>&, double); \
  template Var<T> loss<T>(LossKind, Tape<T>&, const Var<T>&, const TensorT<T>&, double);
EDDYOP_INSTANTIATE(float)
EDDYOP_INSTANTIATE(double)

}  // namespace eddyop::surrogates
