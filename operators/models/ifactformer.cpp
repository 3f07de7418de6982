#include "operators/models/ifactformer.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "operators/gelu_math.hpp"
#include "operators/host_loop.hpp"
#include "operators/lanes.hpp"
#include "operators/op_util.hpp"
#include "operators/ops.hpp"

namespace eddyop::models {

using tensor::Shape;
using tensor::Var;

namespace {

using ops::detail::Lanes;
using ops::detail::row_mean_rstd;
using tensor::TensorT;
using tensor::Trans;

// x with a new shape and no copy: the value is shared; the gradient is handed back to x as is
// (aliased when x has none yet, added otherwise).
template <class T>
Var<T> view(tensor::Tape<T>& tape, const Var<T>& x, const Shape& shape) {
  EDDYOP_CHECK(shape.numel() == x->value.numel(), "ifactformer",
               "cannot view " << x->shape().str() << " as " << shape.str());
  auto y = std::make_shared<tensor::Node<T>>();
  y->value = TensorT<T>(shape, x->value.data);
  y->requires_grad = tape.needs_grad(x);
  if (y->requires_grad)
    tape.record("eddyop::IFactFormer::view::backward", [&tape, x, y]() {
      if (y->grad.empty()) return;
      if (x->grad.empty()) {
        x->grad = TensorT<T>(x->shape(), y->grad.data);
        return;
      }
      T* gx = tape.grad(x).ptr();
      const T* g = y->grad.ptr();
      Kokkos::parallel_for(
          "eddyop::IFactFormer::view::backward", ops::detail::range(x->value.numel()),
          KOKKOS_LAMBDA(Index i) { gx[i] += g[i]; });
    });
  return y;
}

// y = W x per sample, w (Cout, Cin), without bias, for x (B, N, Cin) channel-last (x_cl) or
// (B, Cin, N) channel-first, and y (B, N, Cout) channel-last (y_cl) or (B, Cout, N), all times
// alpha: the layout
// changes ride on the GEMM's transposes instead of permute copies.
template <class T>
Var<T> project(tensor::Tape<T>& tape, const Var<T>& x, const Var<T>& w, Index B, Index N, bool x_cl,
               bool y_cl, T alpha = T(1)) {
  const Index Cout = w->shape()[0], Cin = w->shape()[1];
  EDDYOP_CHECK(x->value.numel() == B * N * Cin, "ifactformer",
               "projection of " << x->shape().str() << " by " << w->shape().str());
  auto y = tape.make(y_cl ? Shape{B, N, Cout} : Shape{B, Cout, N},
                     tape.needs_grad(x) || tape.needs_grad(w));
  const Trans xt = x_cl ? Trans::yes : Trans::no;
  for (Index b = 0; b < B; ++b) {
    T* yp = y->value.ptr() + b * N * Cout;
    const T* xp = x->value.ptr() + b * N * Cin;
    if (y_cl)
      tensor::gemm(yp, xp, w->value.ptr(), N, Cout, Cin, x_cl ? Trans::no : Trans::yes, Trans::yes,
                   alpha, T(0));
    else
      tensor::gemm(yp, w->value.ptr(), xp, Cout, N, Cin, Trans::no, xt, alpha, T(0));
  }
  if (y->requires_grad)
    tape.record("eddyop::IFactFormer::project::backward", [&tape, x, w, y, B, N, Cin, Cout, x_cl,
                                                           y_cl, alpha]() {
      if (y->grad.empty()) return;
      const Trans yt = y_cl ? Trans::yes : Trans::no;
      for (Index b = 0; b < B; ++b) {
        const T* g = y->grad.ptr() + b * N * Cout;
        const T* xp = x->value.ptr() + b * N * Cin;
        if (tape.needs_grad(w))
          tensor::gemm(tape.grad(w).ptr(), g, xp, Cout, Cin, N, yt, x_cl ? Trans::no : Trans::yes,
                       alpha, T(1));
        if (tape.needs_grad(x)) {
          T* gx = tape.grad(x).ptr() + b * N * Cin;
          if (x_cl)
            tensor::gemm(gx, g, w->value.ptr(), N, Cin, Cout, y_cl ? Trans::no : Trans::yes,
                         Trans::no, alpha, T(1));
          else
            tensor::gemm(gx, w->value.ptr(), g, Cin, N, Cout, Trans::yes, yt, alpha, T(1));
        }
      }
    });
  return y;
}

// The block's last step, fused: y (B, N, C) = h (B, N, C) + alpha GELU(z)^T w^T for z (B, Cin, N)
// channel-first and w (C, Cin). GELU(z) is never stored (the backward recomputes it), and the
// gradient of h is y's own (aliased when h has none yet, added otherwise), so that the residual
// chain keeps one buffer per iteration instead of four.
template <class T>
Var<T> residual_gelu_project(tensor::Tape<T>& tape, const Var<T>& h, const Var<T>& z,
                             const Var<T>& w, T alpha) {
  const Index B = h->shape()[0], N = h->shape()[1], C = h->shape()[2], Cin = w->shape()[1];
  EDDYOP_CHECK(w->shape()[0] == C && z->shape() == Shape({B, Cin, N}), "ifactformer",
               "residual projection of " << z->shape().str() << " by " << w->shape().str()
                                         << " onto " << h->shape().str());
  auto y = tape.make(h->shape(), tape.needs_grad(h) || tape.needs_grad(z) || tape.needs_grad(w));
  T* g = tape.workspace(0, Shape{Cin * N}).ptr();
  const T* zp = z->value.ptr();
  const T* hp = h->value.ptr();
  T* yp = y->value.ptr();
  ops::host_for("eddyop::IFactFormer::residual::copy", B * N, [=](Index r) {
    for (Index c = 0; c < C; ++c) yp[r * C + c] = hp[r * C + c];
  });
  for (Index b = 0; b < B; ++b) {
    const T* zb = zp + b * Cin * N;
    ops::host_for("eddyop::IFactFormer::residual::gelu", Cin, [=](Index c) {
      for (Index i = 0; i < N; ++i) g[c * N + i] = ops::detail::gelu_value(zb[c * N + i]);
    });
    tensor::gemm(yp + b * N * C, g, w->value.ptr(), N, C, Cin, Trans::yes, Trans::yes, alpha, T(1));
  }
  if (y->requires_grad)
    tape.record("eddyop::IFactFormer::residual::backward", [&tape, h, z, w, y, B, N, C, Cin,
                                                            alpha]() {
      if (y->grad.empty()) return;
      const T* dy = y->grad.ptr();
      if (tape.needs_grad(z) || tape.needs_grad(w)) {
        T* gw = tape.workspace(0, Shape{Cin * N}).ptr();
        T* dg = tape.workspace(1, Shape{Cin * N}).ptr();
        for (Index b = 0; b < B; ++b) {
          const T* zb = z->value.ptr() + b * Cin * N;
          const T* dyb = dy + b * N * C;
          if (tape.needs_grad(w)) {
            ops::host_for("eddyop::IFactFormer::residual::gelu", Cin, [=](Index c) {
              for (Index i = 0; i < N; ++i) gw[c * N + i] = ops::detail::gelu_value(zb[c * N + i]);
            });
            tensor::gemm(tape.grad(w).ptr(), dyb, gw, C, Cin, N, Trans::yes, Trans::yes, alpha,
                         T(1));
          }
          if (tape.needs_grad(z)) {
            tensor::gemm(dg, w->value.ptr(), dyb, Cin, N, C, Trans::yes, Trans::yes, alpha, T(0));
            T* dz = tape.grad(z).ptr() + b * Cin * N;
            ops::host_for("eddyop::IFactFormer::residual::dgelu", Cin, [=](Index c) {
              for (Index i = 0; i < N; ++i)
                dz[c * N + i] += dg[c * N + i] * ops::detail::gelu_derivative(zb[c * N + i]);
            });
          }
        }
      }
      if (tape.needs_grad(h)) {
        if (h->grad.empty()) {
          h->grad = TensorT<T>(h->shape(), y->grad.data);
        } else {
          T* gh = h->grad.ptr();
          ops::host_for("eddyop::IFactFormer::residual::dh", B * N, [=](Index r) {
            for (Index c = 0; c < C; ++c) gh[r * C + c] += dy[r * C + c];
          });
        }
      }
    });
  return y;
}

// The grouped lift, fused: y (B, Co, N) = GELU(w[o] x[b, o / G, n] + bias[o]) for x (B, Ci, N),
// w and bias (Co), G = Co / Ci. One pass each way instead of a broadcast multiply, a broadcast
// add and a GELU; the backward recomputes the pre-activation and sums the parameter gradients per
// channel (one channel per part, so without races).
template <class T>
Var<T> grouped_lift_gelu(tensor::Tape<T>& tape, const Var<T>& x, const Var<T>& w,
                         const Var<T>& bias, Index B, Index Ci, Index Co, Index N) {
  EDDYOP_CHECK(x->value.numel() == B * Ci * N && w->value.numel() == Co &&
                   bias->value.numel() == Co && Co % Ci == 0,
               "ifactformer", "grouped lift of " << x->shape().str() << " by " << w->shape().str());
  const Index G = Co / Ci;
  auto y =
      tape.make(Shape{B, Co, N}, tape.needs_grad(x) || tape.needs_grad(w) || tape.needs_grad(bias));
  const T* xp = x->value.ptr();
  const T* wp = w->value.ptr();
  const T* bp = bias->value.ptr();
  T* yp = y->value.ptr();
  ops::host_for("eddyop::IFactFormer::lift::forward", B * Co, [=](Index r) {
    const Index b = r / Co, o = r % Co;
    const T* xr = xp + (b * Ci + o / G) * N;
    const T wo = wp[o], bo = bp[o];
    T* yr = yp + r * N;
    for (Index n = 0; n < N; ++n) yr[n] = ops::detail::gelu_value(wo * xr[n] + bo);
  });
  if (y->requires_grad)
    tape.record("eddyop::IFactFormer::lift::backward", [&tape, x, w, bias, y, B, Ci, Co, N, G]() {
      if (y->grad.empty()) return;
      const T* xv = x->value.ptr();
      const T* wv = w->value.ptr();
      const T* bv = bias->value.ptr();
      const T* dy = y->grad.ptr();
      T* dw = tape.needs_grad(w) ? tape.grad(w).ptr() : nullptr;
      T* db = tape.needs_grad(bias) ? tape.grad(bias).ptr() : nullptr;
      T* dx = tape.needs_grad(x) ? tape.grad(x).ptr() : nullptr;
      // Per input channel c (its G outputs in order): parameter sums and dx without races.
      ops::host_for("eddyop::IFactFormer::lift::backward", Ci, [=](Index c) {
        for (Index o = c * G; o < (c + 1) * G; ++o) {
          double sw = 0, sb = 0;
          for (Index b = 0; b < B; ++b) {
            const T* xr = xv + (b * Ci + c) * N;
            const T* g = dy + (b * Co + o) * N;
            T* dxr = dx ? dx + (b * Ci + c) * N : nullptr;
            constexpr int L = 16;
            T aw[L] = {}, ab[L] = {};
            for (Index n0 = 0; n0 < N; n0 += L) {
              const int m = static_cast<int>(std::min<Index>(L, N - n0));
              for (int k = 0; k < m; ++k) {
                const T xe = xr[n0 + k];
                const T d = g[n0 + k] * ops::detail::gelu_derivative(wv[o] * xe + bv[o]);
                aw[k] += d * xe;
                ab[k] += d;
                if (dxr) dxr[n0 + k] += wv[o] * d;
              }
            }
            for (int k = 0; k < L; ++k) {
              sw += static_cast<double>(aw[k]);
              sb += static_cast<double>(ab[k]);
            }
          }
          if (dw) dw[o] += static_cast<T>(sw);
          if (db) db[o] += static_cast<T>(sb);
        }
      });
    });
  return y;
}

// LayerNorm over the last axis of h (R, C) with scale and shift (biased variance, eps inside the
// square root), as ops::layer_norm, but split over the host pool rows by rows (AVX2 where the CPU
// has it): the block's LayerNorm runs over every point of the grid in each iteration. The
// parameter gradients are summed per chunk of rows and then over the chunks (no atomics).
template <class T>
Var<T> row_layer_norm(tensor::Tape<T>& tape, const Var<T>& h, const Var<T>& gamma,
                      const Var<T>& beta, T eps) {
  const Index C = h->shape()[-1], R = h->value.numel() / C;
  EDDYOP_CHECK(gamma->shape() == Shape({C}) && beta->shape() == Shape({C}), "ifactformer",
               "LayerNorm of " << h->shape().str() << " with scale " << gamma->shape().str()
                               << " and shift " << beta->shape().str());
  auto y =
      tape.make(h->shape(), tape.needs_grad(h) || tape.needs_grad(gamma) || tape.needs_grad(beta));
  TensorT<T> stats = tape.scratch(Shape{R, 2});  // (R, [mean, rstd])
  const T* xp = h->value.ptr();
  const T* gp = gamma->value.ptr();
  const T* bp = beta->value.ptr();
  T* yp = y->value.ptr();
  T* st = stats.ptr();
  ops::host_for("eddyop::IFactFormer::layer_norm::forward", R, [=](Index r) {
    const T* a = xp + r * C;
    T m, rstd;
    row_mean_rstd(a, C, eps, m, rstd);
    st[2 * r] = m;
    st[2 * r + 1] = rstd;
    T* o = yp + r * C;
    for (Index j = 0; j < C; ++j) o[j] = gp[j] * ((a[j] - m) * rstd) + bp[j];
  });
  if (y->requires_grad)
    tape.record("eddyop::IFactFormer::layer_norm::backward",
                [&tape, h, gamma, beta, y, stats, R, C]() {
                  if (y->grad.empty()) return;
                  const T* g = y->grad.ptr();
                  const T* xv = h->value.ptr();
                  const T* sv = stats.ptr();
                  const T* gv = gamma->value.ptr();
                  T* gx = tape.needs_grad(h) ? tape.grad(h).ptr() : nullptr;
                  const bool params = tape.needs_grad(gamma) || tape.needs_grad(beta);
                  const Index chunks = std::min<Index>(R, 64);
                  TensorT<T> part = tape.workspace(0, Shape{chunks, 2, C});
                  T* pp = part.ptr();
                  ops::host_for("eddyop::IFactFormer::layer_norm::backward", chunks, [=](Index k) {
                    T* pg = pp + k * 2 * C;  // this chunk's sums of dy xhat and of dy
                    T* pb = pg + C;
                    for (Index j = 0; j < 2 * C; ++j) pg[j] = T(0);
                    for (Index r = R * k / chunks; r < R * (k + 1) / chunks; ++r) {
                      const T m = sv[2 * r], rstd = sv[2 * r + 1];
                      const T* a = xv + r * C;
                      const T* d = g + r * C;
                      // Sums of dh and dh xhat in lanes; the parameter sums by column.
                      using H = typename Lanes<T>::Half;
                      constexpr int W = Lanes<T>::kHalf;
                      H l1{}, l2{};
                      const H mv = H{} + m, rv = H{} + rstd;
                      Index j = 0;
                      for (; j + W <= C; j += W) {
                        const H dv = Lanes<T>::load(d + j);
                        const H xh = (Lanes<T>::load(a + j) - mv) * rv;
                        const H dh = dv * Lanes<T>::load(gv + j);
                        l1 += dh;
                        l2 += dh * xh;
                        Lanes<T>::store(pg + j, Lanes<T>::load(pg + j) + dv * xh);
                        Lanes<T>::store(pb + j, Lanes<T>::load(pb + j) + dv);
                      }
                      double t1 = 0, t2 = 0;
                      for (int i = 0; i < W; ++i) {
                        t1 += static_cast<double>(l1[i]);
                        t2 += static_cast<double>(l2[i]);
                      }
                      for (; j < C; ++j) {
                        const T xh = (a[j] - m) * rstd, dh = d[j] * gv[j];
                        t1 += static_cast<double>(dh);
                        t2 += static_cast<double>(dh * xh);
                        pg[j] += d[j] * xh;
                        pb[j] += d[j];
                      }
                      const T s1 = static_cast<T>(t1 / static_cast<double>(C));
                      const T s2 = static_cast<T>(t2 / static_cast<double>(C));
                      if (gx) {
                        T* o = gx + r * C;
                        for (Index i = 0; i < C; ++i)
                          o[i] += rstd * (d[i] * gv[i] - s1 - (a[i] - m) * rstd * s2);
                      }
                    }
                  });
                  if (params) {
                    T* ggam = tape.needs_grad(gamma) ? tape.grad(gamma).ptr() : nullptr;
                    T* gbet = tape.needs_grad(beta) ? tape.grad(beta).ptr() : nullptr;
                    for (Index j = 0; j < C; ++j) {
                      double sg = 0, sb = 0;
                      for (Index k = 0; k < chunks; ++k) {
                        sg += static_cast<double>(pp[k * 2 * C + j]);
                        sb += static_cast<double>(pp[k * 2 * C + C + j]);
                      }
                      if (ggam) ggam[j] += static_cast<T>(sg);
                      if (gbet) gbet[j] += static_cast<T>(sb);
                    }
                  }
                });
  return y;
}

// The means of u (B, X, Y, Z, C) over the two other axes, for each axis: (B, n_a, C), in one pass.
template <class T>
std::vector<Var<T>> axis_means(tensor::Tape<T>& tape, const Var<T>& u, const Shape& grid) {
  const Index B = grid[0], X = grid[1], Y = grid[2], Z = grid[3], C = u->shape()[-1];
  const Index n[3] = {X, Y, Z};
  std::vector<Var<T>> s;
  for (int a = 0; a < 3; ++a) s.push_back(tape.make(Shape{B, n[a], C}, tape.needs_grad(u)));
  T* sx = s[0]->value.ptr();
  T* sy = s[1]->value.ptr();
  T* sz = s[2]->value.ptr();
  const T* up = u->value.ptr();
  const T fx = T(1) / static_cast<T>(Y * Z), fy = T(1) / static_cast<T>(X * Z),
          fz = T(1) / static_cast<T>(X * Y);
  Kokkos::parallel_for(
      "eddyop::IFactFormer::axis_means::forward", ops::detail::range(B), KOKKOS_LAMBDA(Index b) {
        T* ox = sx + b * X * C;
        T* oy = sy + b * Y * C;
        T* oz = sz + b * Z * C;
        for (Index e = 0; e < Y * C; ++e) oy[e] = T(0);
        for (Index e = 0; e < Z * C; ++e) oz[e] = T(0);
        for (Index i = 0; i < X; ++i) {
          T* xi = ox + i * C;
          for (Index c = 0; c < C; ++c) xi[c] = T(0);
          for (Index j = 0; j < Y; ++j)
            for (Index k = 0; k < Z; ++k) {
              const T* p = up + (((b * X + i) * Y + j) * Z + k) * C;
              T* yj = oy + j * C;
              T* zk = oz + k * C;
              for (Index c = 0; c < C; ++c) {
                xi[c] += p[c];
                yj[c] += p[c];
                zk[c] += p[c];
              }
            }
          for (Index c = 0; c < C; ++c) xi[c] *= fx;
        }
        for (Index e = 0; e < Y * C; ++e) oy[e] *= fy;
        for (Index e = 0; e < Z * C; ++e) oz[e] *= fz;
      });
  if (tape.needs_grad(u)) {
    Var<T> a0 = s[0], a1 = s[1], a2 = s[2];
    tape.record("eddyop::IFactFormer::axis_means::backward",
                [&tape, u, a0, a1, a2, B, X, Y, Z, C, fx, fy, fz]() {
                  if (a0->grad.empty() && a1->grad.empty() && a2->grad.empty()) return;
                  const T* gx = tape.grad(a0).ptr();
                  const T* gy = tape.grad(a1).ptr();
                  const T* gz = tape.grad(a2).ptr();
                  T* gu = tape.grad(u).ptr();
                  Kokkos::parallel_for(
                      "eddyop::IFactFormer::axis_means::backward", ops::detail::range(B * X * Y),
                      KOKKOS_LAMBDA(Index r) {
                        const Index b = r / (X * Y), i = (r / Y) % X, j = r % Y;
                        const T* px = gx + (b * X + i) * C;
                        const T* py = gy + (b * Y + j) * C;
                        for (Index k = 0; k < Z; ++k) {
                          const T* pz = gz + (b * Z + k) * C;
                          T* q = gu + (r * Z + k) * C;
                          for (Index c = 0; c < C; ++c)
                            q[c] += fx * px[c] + fy * py[c] + fz * pz[c];
                        }
                      });
                });
  }
  return s;
}

}  // namespace

config::Section ifactformer_section() {
  config::Section s("ifactformer",
                    "Implicit factorized transformer (IFactFormer-m / -o, arXiv 2412.18840); "
                    "model.type picks the variant");
  s.add_int("dim", 96, "channels of the latent field").min(1);
  s.add_int("heads", 5, "attention heads").min(1);
  s.add_int("dim_head", 96, "value channels per head").min(1);
  s.add_int("kernel_dim_factor", 3, "q and k channels per head, in units of dim_head").min(1);
  s.add_int("iterations", 10, "applications L of the one shared block (update scaled by 1/L)")
      .min(1);
  s.add_int("lift_channels", 48, "hidden channels of the grouped lift (multiple of the inputs)")
      .min(1);
  s.add_int("fourier_features", 48, "random Fourier frequencies of the positional encoding").min(1);
  s.add_real("fourier_sigma", 8.0, "standard deviation of the random Fourier frequencies")
      .greater_than(0);
  s.add_int("out_hidden", 48, "hidden channels of the output MLP").min(1);
  s.add_real("rotary_scale", 64.0, "rotary angle = rotary_scale * coordinate * theta_j")
      .greater_than(0);
  s.add_real_list("domain", {4 * M_PI, 2.0, 4 * M_PI / 3},
                  "physical lengths of the x, y, z axes; grid points at linspace(0, length, n)");
  return s;
}

IFactFormerOptions ifactformer_options(const YAML::Node& section, bool chained, Index in_channels,
                                       Index out_channels) {
  IFactFormerOptions o;
  o.chained = chained;
  o.in_channels = in_channels;
  o.out_channels = out_channels;
  o.dim = section["dim"].as<long long>();
  o.heads = section["heads"].as<long long>();
  o.dim_head = section["dim_head"].as<long long>();
  o.kernel_dim_factor = section["kernel_dim_factor"].as<long long>();
  o.iterations = section["iterations"].as<long long>();
  o.lift_channels = section["lift_channels"].as<long long>();
  o.fourier_features = section["fourier_features"].as<long long>();
  o.fourier_sigma = section["fourier_sigma"].as<double>();
  o.out_hidden = section["out_hidden"].as<long long>();
  o.rotary_scale = section["rotary_scale"].as<double>();
  o.domain = section["domain"].as<std::vector<double>>();
  return o;
}

template <class T>
IFactFormer<T>::IFactFormer(const IFactFormerOptions& o, std::uint64_t seed) : options_(o) {
  EDDYOP_CHECK(o.in_channels >= 1 && o.out_channels >= 1 && o.dim >= 1 && o.heads >= 1 &&
                   o.dim_head >= 1 && o.iterations >= 1 && o.fourier_features >= 1 &&
                   o.out_hidden >= 1,
               "ifactformer", "channel counts, heads and iterations must be positive");
  EDDYOP_CHECK_HINT(o.lift_channels % o.in_channels == 0, "ifactformer",
                    "lift_channels = " << o.lift_channels << " is not a multiple of the "
                                       << o.in_channels << " input channels",
                    "the lift is grouped, one group per input channel");
  EDDYOP_CHECK((o.kernel_dim_factor * o.dim_head) % 2 == 0, "ifactformer",
               "q/k channels per head (" << o.kernel_dim_factor * o.dim_head
                                         << ") must be even for the rotary embedding");
  EDDYOP_CHECK(o.domain.size() == 3, "ifactformer",
               "domain has " << o.domain.size() << " lengths; give x, y and z");
  const Index C = o.dim, HV = o.heads * o.dim_head, HK = o.heads * o.kernel_dim_factor * o.dim_head;
  const Index Cz = o.chained ? HV : 3 * HV;
  lift0_w_ = params_.add("lift0.weight", Shape{o.lift_channels, 1});
  lift0_b_ = params_.add("lift0.bias", Shape{o.lift_channels});
  lift1_w_ = params_.add("lift1.weight", Shape{C, o.lift_channels});
  pe_w_ = params_.add("pe.weight", Shape{C, 2 * o.fourier_features});
  pe_b_ = params_.add("pe.bias", Shape{C});
  ln_g_ = params_.add("block.norm.weight", Shape{C});
  ln_b_ = params_.add("block.norm.bias", Shape{C});
  v_w_ = params_.add("block.to_v.weight", Shape{HV, C});
  in_w_ = params_.add("block.to_in.weight", Shape{C, C});
  for (int a = 0; a < 3; ++a) {
    const std::string p = "block.ax" + std::to_string(a) + ".";
    AxisBranch& br = axes_[a];
    br.in_w = params_.add(p + "inp.weight", Shape{C, C});
    br.ln_g = params_.add(p + "norm.weight", Shape{C});
    br.ln_b = params_.add(p + "norm.bias", Shape{C});
    br.mlp1_w = params_.add(p + "mlp1.weight", Shape{2 * C, C});
    br.mlp1_b = params_.add(p + "mlp1.bias", Shape{2 * C});
    br.mlp2_w = params_.add(p + "mlp2.weight", Shape{C, C});
    br.mlp2_b = params_.add(p + "mlp2.bias", Shape{C});
    br.q_w = params_.add(p + "to_q.weight", Shape{HK, C});
    br.k_w = params_.add(p + "to_k.weight", Shape{HK, C});
  }
  o1_w_ = params_.add("block.out1.weight", Shape{C, Cz});
  o2_w_ = params_.add("block.out2.weight", Shape{C, C});
  out0_w_ = params_.add("out0.weight", Shape{o.out_hidden, C});
  out1_w_ = params_.add("out1.weight", Shape{o.out_channels, o.out_hidden});
  out1_b_ = params_.add("out1.bias", Shape{o.out_channels});
  params_.allocate();

  std::mt19937_64 rng(seed);
  auto fill = [&](const Var<T>& v, double lo, double hi) {
    std::uniform_real_distribution<double> u(lo, hi);
    std::vector<T> h(static_cast<std::size_t>(v->value.numel()));
    for (auto& x : h) x = static_cast<T>(u(rng));
    tensor::from_host(v->value, h);
  };
  auto constant = [&](const Var<T>& v, double c) {
    tensor::from_host(
        v->value, std::vector<T>(static_cast<std::size_t>(v->value.numel()), static_cast<T>(c)));
  };
  // PyTorch's default for Linear and 1x1 Conv: weight and bias uniform +-1/sqrt(fan_in).
  auto dense = [&](const Var<T>& w, const Var<T>& b) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(w->shape()[1]));
    fill(w, -bound, bound);
    if (b) fill(b, -bound, bound);
  };
  auto xavier = [&](const Var<T>& w, double gain) {
    const double bound = gain * std::sqrt(6.0 / static_cast<double>(w->shape()[0] + w->shape()[1]));
    fill(w, -bound, bound);
  };
  dense(lift0_w_, lift0_b_);
  dense(lift1_w_, Var<T>());
  dense(pe_w_, pe_b_);
  constant(ln_g_, 1);
  constant(ln_b_, 0);
  dense(v_w_, Var<T>());
  dense(in_w_, Var<T>());
  for (auto& br : axes_) {
    dense(br.in_w, Var<T>());
    constant(br.ln_g, 1);
    constant(br.ln_b, 0);
    dense(br.mlp1_w, br.mlp1_b);
    dense(br.mlp2_w, br.mlp2_b);
    xavier(br.q_w, 0.02);
    xavier(br.k_w, 0.02);
  }
  dense(o1_w_, Var<T>());
  dense(o2_w_, Var<T>());
  dense(out0_w_, Var<T>());
  dense(out1_w_, out1_b_);
  std::normal_distribution<double> normal(0.0, 1.0);
  fourier_.resize(static_cast<std::size_t>(3 * o.fourier_features));
  for (auto& b : fourier_) b = o.fourier_sigma * normal(rng);
}

template <class T>
void IFactFormer<T>::set_fourier_matrix(const std::vector<double>& bg) {
  EDDYOP_CHECK(
      static_cast<Index>(bg.size()) == 3 * options_.fourier_features, "ifactformer",
      "Fourier matrix of " << bg.size() << " entries, expected 3 x " << options_.fourier_features);
  fourier_ = bg;
  features_.clear();
}

template <class T>
std::vector<double> IFactFormer<T>::coordinates(int axis, Index n) const {
  std::vector<double> c(static_cast<std::size_t>(n));
  const double len = options_.domain[static_cast<std::size_t>(axis)];
  for (Index i = 0; i < n; ++i)
    c[static_cast<std::size_t>(i)] =
        n > 1 ? len * static_cast<double>(i) / static_cast<double>(n - 1) : 0.0;
  return c;
}

template <class T>
const tensor::TensorT<T>& IFactFormer<T>::encoding_features(Index X, Index Y, Index Z) {
  const std::vector<Index> key{X, Y, Z};
  auto it = features_.find(key);
  if (it != features_.end()) return it->second;
  const Index F = options_.fourier_features, N = X * Y * Z;
  const auto cx = coordinates(0, X), cy = coordinates(1, Y), cz = coordinates(2, Z);
  std::vector<T> h(static_cast<std::size_t>(N * 2 * F));
  for (Index i = 0; i < X; ++i)
    for (Index j = 0; j < Y; ++j)
      for (Index k = 0; k < Z; ++k) {
        const Index p = (i * Y + j) * Z + k;
        const double P[3] = {cx[static_cast<std::size_t>(i)], cy[static_cast<std::size_t>(j)],
                             cz[static_cast<std::size_t>(k)]};
        for (Index f = 0; f < F; ++f) {
          double arg = 0;
          for (int a = 0; a < 3; ++a) arg += P[a] * fourier_[static_cast<std::size_t>(a * F + f)];
          arg *= 2 * M_PI;
          h[static_cast<std::size_t>(p * 2 * F + f)] = static_cast<T>(std::sin(arg));
          h[static_cast<std::size_t>(p * 2 * F + F + f)] = static_cast<T>(std::cos(arg));
        }
      }
  auto t = tensor::TensorT<T>::zeros(Shape{N, 2 * F}, "eddyop::IFactFormer::encoding");
  tensor::from_host(t, h);
  return features_.emplace(key, t).first->second;
}

// One application of the shared block: h + FA(h) / L (B, N, C) from h (B, N, C).
template <class T>
Var<T> IFactFormer<T>::block(tensor::Tape<T>& tape, const Var<T>& h, const Shape& grid) {
  const IFactFormerOptions& o = options_;
  const Index B = grid[0];
  const Index H = o.heads, Dk = o.kernel_dim_factor * o.dim_head;
  Var<T> u = row_layer_norm(tape, h, ln_g_, ln_b_, T(1e-5));  // (B, N, C)
  // Pooling is linear: pool u, then project by Win and by the axis's own input weight.
  const std::vector<Var<T>> pooled = axis_means(tape, u, grid);
  Var<T> kernels[3];
  for (int a = 0; a < 3; ++a) {
    const AxisBranch& br = axes_[a];
    Var<T> s =
        ops::linear(tape, pooled[static_cast<std::size_t>(a)], in_w_, Var<T>());  // (B, n_a, C)
    s = ops::linear(tape, s, br.in_w, Var<T>());
    s = ops::layer_norm(tape, s, br.ln_g, br.ln_b, T(1e-5));
    s = ops::linear(tape, ops::geglu(tape, ops::linear(tape, s, br.mlp1_w, br.mlp1_b)), br.mlp2_w,
                    br.mlp2_b);
    const Index n = grid[1 + a];
    const auto pos = coordinates(a, n);
    auto heads = [&](const Var<T>& w) {  // (B, n, H Dk) -> (B, H, n, Dk), rotated
      Var<T> q = view(tape, ops::linear(tape, s, w, Var<T>()), Shape{B, n, H, Dk});
      return ops::rotary_embedding(tape, ops::permute(tape, q, {0, 2, 1, 3}), pos, o.rotary_scale);
    };
    kernels[a] = ops::matmul(tape, heads(br.q_w), heads(br.k_w), tensor::Trans::no,
                             tensor::Trans::yes);  // (B, H, n, n), no softmax
  }
  // Values, the axis kernels, InstanceNorm and the first output projection in one op that
  // keeps neither the values nor the 3 H Dh-channel field: (B, C, N).
  Var<T> z = ops::factorized_mix(tape, u, v_w_, kernels[0], kernels[1], kernels[2], o1_w_,
                                 o.chained, T(1e-5));
  // h + FA(h) / L: (B, N, C).
  return residual_gelu_project(tape, h, z, o2_w_, T(1) / static_cast<T>(o.iterations));
}

template <class T>
Var<T> IFactFormer<T>::forward(tensor::Tape<T>& tape, const Var<T>& x) {
  const IFactFormerOptions& o = options_;
  const Shape& xs = x->shape();
  EDDYOP_CHECK(xs.rank() == 5 && xs[1] == o.in_channels, "ifactformer",
               "input " << xs.str() << " is not (B, " << o.in_channels << ", X, Y, Z)");
  Kokkos::Profiling::pushRegion("eddyop::IFactFormer::forward");
  const Index B = xs[0], X = xs[2], Y = xs[3], Z = xs[4], N = X * Y * Z, Cin = o.in_channels;
  // Grouped lift: output channel c sees input channel c / G.
  Var<T> h = grouped_lift_gelu(tape, x, lift0_w_, lift0_b_, B, Cin, o.lift_channels, N);
  h = project(tape, h, lift1_w_, B, N, false, true);  // (B, N, C)
  h = ops::add(tape, h, ops::linear(tape, tape.input(encoding_features(X, Y, Z)), pe_w_, pe_b_));
  const Shape grid{B, X, Y, Z};
  for (Index l = 0; l < o.iterations; ++l) h = block(tape, h, grid);
  h = ops::gelu(tape, project(tape, h, out0_w_, B, N, true, false));  // (B, out_hidden, N)
  h = ops::pointwise_conv(tape, h, out1_w_, out1_b_);
  Kokkos::Profiling::popRegion();
  return view(tape, h, Shape{B, o.out_channels, X, Y, Z});
}

template class IFactFormer<float>;
template class IFactFormer<double>;

}  // namespace eddyop::models
