// Derivatives with respect to input coordinates, as ordinary Vars on the tape (for DGNO and
// other physics-informed losses).
//
// A Jet carries a pointwise field u(x) of D coordinates together with its first derivatives
// du/dx_i and its pure second derivatives d2u/dx_i2 (the diagonal of the Hessian: enough for a
// Laplacian), propagated forward op by op:
//
//   linear   z = W h + b           dz_i = W dh_i                 d2z_i = W d2h_i
//   pointwise y = f(z)             dy_i = f'(z) dz_i             d2y_i = f''(z) dz_i^2 + f'(z)
//   d2z_i product  y = a b               dy_i = a db_i + b da_i        d2y_i = a d2b_i + 2 da_i
//   db_i + b d2a_i
//
// Every step is made of differentiable ops (linear, mul, the activations' derivative ops dgelu,
// d2gelu, ... of activation.cpp), so a loss that uses the derivatives is differentiated with
// respect to the parameters by the ordinary reverse pass; nothing is differentiated twice by
// the tape. Cost: the D tangents (and D second tangents) of a layer go through one batched
// linear each, so a second-order jet costs about 1 + 2D forward passes.
//
//   auto x = ops::coordinate_jet(tape, xs, 2);          // xs (N, D) collocation points
//   auto u = mlp.forward(tape, x);                      // or jet_linear / jet_activation ...
//   Var lap = ops::laplacian(tape, u);                  // (N, C)
//   Var ux  = ops::jet_derivative(tape, u, 0);          // (N, C)
#pragma once

#include <string>

#include "operators/ops.hpp"

namespace eddyop::ops {

template <class T>
struct Jet {
  Var<T> value;   // (..., C)
  Var<T> d1;      // (D, ..., C): d1[i] = du/dx_i
  Var<T> d2;      // (D, ..., C): d2[i] = d2u/dx_i2; null when order < 2 or identically zero
  int order = 2;  // 1: first derivatives only; 2: also the pure second derivatives
  Index coordinates() const { return d1->shape()[0]; }
};

// The jet of the coordinates themselves: value x (..., D), d1[i] = e_i, d2 = 0. x may require
// a gradient (the derivatives then depend on it through the activations).
template <class T>
Jet<T> coordinate_jet(Tape<T>& tape, const Var<T>& x, int order = 2);

// z (..., N) = a (..., K) w^T (N, K) + b (N); b may be null.
template <class T>
Jet<T> jet_linear(Tape<T>& tape, const Jet<T>& a, const Var<T>& w, const Var<T>& b);

enum class Activation { gelu, silu, tanh, sin, cos };
Activation parse_activation(const std::string& name);  // "gelu", "silu", "tanh", "sin", "cos"
const char* activation_name(Activation f);

// y = f(x) on plain Vars (the value alone).
template <class T>
Var<T> activate(Tape<T>& tape, const Var<T>& x, Activation f);
// y = f(a), elementwise.
template <class T>
Jet<T> jet_activation(Tape<T>& tape, const Jet<T>& a, Activation f);

// y = a + b and y = a b, with NumPy broadcasting of the values (..., C) (the derivatives
// broadcast the same way behind their leading D axis); a and b have the same D and order.
template <class T>
Jet<T> jet_add(Tape<T>& tape, const Jet<T>& a, const Jet<T>& b);
template <class T>
Jet<T> jet_mul(Tape<T>& tape, const Jet<T>& a, const Jet<T>& b);
// y = s a + c
template <class T>
Jet<T> jet_scale(Tape<T>& tape, const Jet<T>& a, T s, T c = T(0));
// y = a[..., begin:end] (channels; e.g. one coordinate of coordinate_jet, for hard boundary
// factors such as u = NN(x) x0 (1 - x0)).
template <class T>
Jet<T> jet_slice(Tape<T>& tape, const Jet<T>& a, Index begin, Index end);

// du/dx_i (..., C).
template <class T>
Var<T> jet_derivative(Tape<T>& tape, const Jet<T>& u, Index i);
// d2u/dx_i2 (..., C) (order 2).
template <class T>
Var<T> jet_second_derivative(Tape<T>& tape, const Jet<T>& u, Index i);
// sum_i d2u/dx_i2 (..., C) (order 2).
template <class T>
Var<T> laplacian(Tape<T>& tape, const Jet<T>& u);

}  // namespace eddyop::ops
