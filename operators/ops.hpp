// Differentiable ops of the engine. Each takes the tape first, returns a new Var, computes its
// forward at once and records its backward on the tape (see core/tensor/tape.hpp). Forward and
// backward kernels of an op sit side by side in the file named for it. Every op exists for
// float (models) and double (finite-difference gradient checks).
//
// Layout conventions: fields are channel-first, (B, C, S...) with 1 to 3 spatial axes S; token
// and point features are channel-last, (..., C). Shapes are given in the comments.
#pragma once

#include <vector>

#include "core/tensor/gemm.hpp"
#include "core/tensor/tape.hpp"

namespace eddyop::ops {

using tensor::Index;
using tensor::Shape;
using tensor::Tape;
using tensor::Trans;
using tensor::Var;

// ---- linear.cpp: GEMMs --------------------------------------------------------------------
// y (..., N) = x (..., K) w^T (N, K) + b (N); b may be null.
template <class T>
Var<T> linear(Tape<T>& tape, const Var<T>& x, const Var<T>& w, const Var<T>& b);
// 1x1 convolution: y (B, Cout, S...) = w (Cout, Cin) x (B, Cin, S...) + b (Cout); b may be null.
template <class T>
Var<T> pointwise_conv(Tape<T>& tape, const Var<T>& x, const Var<T>& w, const Var<T>& b);
// Batched matrix product: c (..., M, N) = op(a) (..., M, K) op(b) (..., K, N); the batch axes of a
// and b are equal, or b has rank 2 (one matrix for every batch entry). Attention's QK^T and AV.
template <class T>
Var<T> matmul(Tape<T>& tape, const Var<T>& a, const Var<T>& b, Trans ta = Trans::no,
              Trans tb = Trans::no);

// ---- elementwise.cpp: broadcasting arithmetic (NumPy rules) --------------------------------
template <class T>
Var<T> add(Tape<T>& tape, const Var<T>& a, const Var<T>& b);
template <class T>
Var<T> sub(Tape<T>& tape, const Var<T>& a, const Var<T>& b);
template <class T>
Var<T> mul(Tape<T>& tape, const Var<T>& a, const Var<T>& b);
template <class T>
Var<T> div(Tape<T>& tape, const Var<T>& a, const Var<T>& b);
// y = s x + c
template <class T>
Var<T> scale(Tape<T>& tape, const Var<T>& x, T s, T c = T(0));

// ---- activation.cpp: pointwise nonlinearities -----------------------------------------------
template <class T>
Var<T> gelu(Tape<T>& tape, const Var<T>& x);  // exact: x Phi(x) with erf
template <class T>
Var<T> silu(Tape<T>& tape, const Var<T>& x);
template <class T>
Var<T> tanh(Tape<T>& tape, const Var<T>& x);
template <class T>
Var<T> sin(Tape<T>& tape, const Var<T>& x);
template <class T>
Var<T> cos(Tape<T>& tape, const Var<T>& x);
template <class T>
Var<T> sqrt(Tape<T>& tape, const Var<T>& x);
template <class T>
Var<T> square(Tape<T>& tape, const Var<T>& x);
// Derivatives of the activations, each differentiable in turn (its backward is the next
// derivative), for forward-mode tangents on the tape (operators/coordinate_derivatives.hpp).
// sin and cos need none: sin' = cos, cos' = -sin.
template <class T>
Var<T> dgelu(Tape<T>& tape, const Var<T>& x);  // Phi(x) + x phi(x)
template <class T>
Var<T> d2gelu(Tape<T>& tape, const Var<T>& x);  // phi(x) (2 - x^2)
template <class T>
Var<T> dsilu(Tape<T>& tape, const Var<T>& x);  // s (1 + x (1 - s)), s = sigmoid(x)
template <class T>
Var<T> d2silu(Tape<T>& tape, const Var<T>& x);  // s (1 - s) (2 + x (1 - 2s))
template <class T>
Var<T> dtanh(Tape<T>& tape, const Var<T>& x);  // 1 - tanh^2
template <class T>
Var<T> d2tanh(Tape<T>& tape, const Var<T>& x);  // -2 tanh (1 - tanh^2)

// ---- softmax.cpp ----------------------------------------------------------------------------
// y (..., N) = softmax over the last axis of x (..., N).
template <class T>
Var<T> softmax(Tape<T>& tape, const Var<T>& x);

// ---- norm.cpp: biased variance, eps inside the square root (as PyTorch) ---------------------
// Over the last axis of x (..., C); gamma, beta (C) may be null (no affine).
template <class T>
Var<T> layer_norm(Tape<T>& tape, const Var<T>& x, const Var<T>& gamma, const Var<T>& beta,
                  T eps = T(1e-5));
// Over S per (b, c) of x (B, C, S...); gamma, beta (C) may be null.
template <class T>
Var<T> instance_norm(Tape<T>& tape, const Var<T>& x, const Var<T>& gamma, const Var<T>& beta,
                     T eps = T(1e-5));
// Over (C/groups, S) per (b, group) of x (B, C, S...); gamma, beta (C) may be null.
template <class T>
Var<T> group_norm(Tape<T>& tape, const Var<T>& x, Index groups, const Var<T>& gamma,
                  const Var<T>& beta, T eps = T(1e-5));

// ---- reduce.cpp -----------------------------------------------------------------------------
// Sum or mean over the given axes (negative counts from the end); keepdim keeps them as size 1.
template <class T>
Var<T> sum(Tape<T>& tape, const Var<T>& x, std::vector<int> axes, bool keepdim = false);
template <class T>
Var<T> mean(Tape<T>& tape, const Var<T>& x, std::vector<int> axes, bool keepdim = false);

// ---- shape.cpp ------------------------------------------------------------------------------
// Same values, new shape (a copy-free view when the tape allows it is left for later: copies).
template <class T>
Var<T> reshape(Tape<T>& tape, const Var<T>& x, const Shape& shape);
// y has axes x.shape[perm[0]], x.shape[perm[1]], ...
template <class T>
Var<T> permute(Tape<T>& tape, const Var<T>& x, const std::vector<int>& perm);
template <class T>
Var<T> concat(Tape<T>& tape, const std::vector<Var<T>>& xs, int axis);
// x[..., begin:end, ...] along `axis`.
template <class T>
Var<T> slice(Tape<T>& tape, const Var<T>& x, int axis, Index begin, Index end);

// ---- pad.cpp --------------------------------------------------------------------------------
enum class PadMode { zero, circular, reflect };
// Pads the trailing lo.size() axes of x by lo[a] before and hi[a] after. reflect mirrors
// without repeating the edge (PyTorch's "reflect"); circular wraps.
template <class T>
Var<T> pad(Tape<T>& tape, const Var<T>& x, const std::vector<Index>& lo,
           const std::vector<Index>& hi, PadMode mode);

// ---- conv.cpp: k x k convolution in 1-3D, no implicit padding (use pad) ---------------------
// y (B, Cout, (S-k)/s+1 ...) = w (Cout, Cin, k...) * x (B, Cin, S...) + b (Cout); b may be null.
template <class T>
Var<T> conv(Tape<T>& tape, const Var<T>& x, const Var<T>& w, const Var<T>& b,
            const std::vector<Index>& stride);
// The adjoint of conv (PyTorch's ConvTranspose): y (B, Cout, (S-1)s+k ...) from x (B, Cin, S...),
// w (Cin, Cout, k...), b (Cout); b may be null.
template <class T>
Var<T> conv_transpose(Tape<T>& tape, const Var<T>& x, const Var<T>& w, const Var<T>& b,
                      const std::vector<Index>& stride);

// ---- spectral_conv.cpp ----------------------------------------------------------------------
// y (B, Cout, S...) = irfftN( R . rfftN(x)[kept modes] ) for x (B, Cin, S...), 1 <= d <= 3.
// Kept modes: k_a in [0, m_a) and [n_a - m_a, n_a) on every axis but the last, [0, m_d) on the
// last (of the half spectrum). w (2^(d-1) * m_1 * ... * m_d, Cin, Cout, 2): one complex Cin x Cout
// matrix per kept mode; blocks in the order of the signs (+,+), (-,+), (+,-), (-,-) of the first
// axes, and within a block modes in row-major order of (k_1, ..., k_d) with k counted from the
// block's corner. PyTorch's FNO: weights1..4 (Cin, Cout, m_1, ..., m_d) map onto the blocks.
template <class T>
Var<T> spectral_conv(Tape<T>& tape, const Var<T>& x, const Var<T>& w,
                     const std::vector<Index>& modes);
// Number of kept modes (rows of w) for the given modes.
Index spectral_modes(const std::vector<Index>& modes);

// ---- rotary.cpp: rotary position embedding (Su et al. 2021, RoFormer), half rotation ---------
// y (..., n, D) = x cos(a) + rot(x) sin(a) with rot(x) = [-x[D/2:], x[:D/2]] and
// a(i, j) = scale * positions[i] * base^(-2 (j mod D/2) / D); D even, positions (n).
template <class T>
Var<T> rotary_embedding(Tape<T>& tape, const Var<T>& x, const std::vector<double>& positions,
                        double scale, double base = 10000.0);

// ---- geglu.cpp: gated GELU ------------------------------------------------------------------
// y (..., C) = GELU(x[..., :C]) * x[..., C:] for x (..., 2C); GELU exact (erf).
template <class T>
Var<T> geglu(Tape<T>& tape, const Var<T>& x);

// ---- factorized_attention.cpp: per-axis kernels applied to a 3-D field (batched GEMMs) -------
// Parallel: y (B, H, 3, D, X, Y, Z) with y[:, :, a] = K_a applied along axis a of v
// (B, H, D, X, Y, Z), e.g. y[b,h,0,d,i,j,k] = sum_l kx[b,h,i,l] v[b,h,d,l,j,k]; kx (B, H, X, X),
// ky (B, H, Y, Y), kz (B, H, Z, Z). Written straight into the concatenated layout.
template <class T>
Var<T> axis_kernels_parallel(Tape<T>& tape, const Var<T>& kx, const Var<T>& ky, const Var<T>& kz,
                             const Var<T>& v);
// Chained: y (B, H, D, X, Y, Z) = K_z(K_y(K_x v)), the separable 3-D kernel; shapes as above.
template <class T>
Var<T> axis_kernels_chained(Tape<T>& tape, const Var<T>& kx, const Var<T>& ky, const Var<T>& kz,
                            const Var<T>& v);
// The value path of factorized attention, fused: per sample and head h, v_h = wv_h u (D, X, Y, Z)
// with wv_h = wv[h D:(h+1) D]; the axis kernels applied to v_h as above (parallel: three groups
// K_x v, K_y v, K_z v; chained: one group K_z K_y K_x v); InstanceNorm of every channel over the
// N = X Y Z points (biased variance, eps, no affine); and the projection by wo, summed over groups
// and heads: y (B, Cout, N) = wo (Cout, G H D) IN(z), with z's channels ordered (h, group, d)
// as in axis_kernels_parallel's output (G = 3) or (h, d) (G = 1, chained). u (B, N, C), wv
// (H D, C), kx (B, H, X, X), ky (B, H, Y, Y), kz (B, H, Z, Z). When the backward will run, v is
// kept for it (B H D N values), and so is the parallel variant's 3 H D-channel field while it
// takes at most factorized_mix_keep_bytes() (else the backward contracts v again, head by head);
// the normalised field is never formed.
template <class T>
Var<T> factorized_mix(Tape<T>& tape, const Var<T>& u, const Var<T>& wv, const Var<T>& kx,
                      const Var<T>& ky, const Var<T>& kz, const Var<T>& wo, bool chained,
                      T eps = T(1e-5));
// The budget above, in bytes per call (all samples and heads); 160 MiB by default (the paper's
// 32 x 33 x 16 model at batch 1 keeps its fields, at batch 5 not).
void set_factorized_mix_keep_bytes(double bytes);
double factorized_mix_keep_bytes();

// ---- pool.cpp: average and max pooling over the trailing 1-3 spatial axes -------------------
// y (B, C, S'...) from x (B, C, S...), S' = (S - window) / stride + 1 per pooled axis; no padding.
template <class T>
Var<T> avg_pool(Tape<T>& tape, const Var<T>& x, const std::vector<Index>& window,
                const std::vector<Index>& stride);
template <class T>
Var<T> max_pool(Tape<T>& tape, const Var<T>& x, const std::vector<Index>& window,
                const std::vector<Index>& stride);

}  // namespace eddyop::ops
