// Training losses as ops of the tape: each computes its value at once and records its backward,
// with forward and backward kernels side by side (loss.cpp). They differentiate with respect to
// the prediction only: targets are data.
//
// Every loss is a per-sample quantity r_b reduced over the batch as  sum_b r_b / denominator:
// denominator 1 is the FNO reference scripts' LpLoss(size_average=False) (sum over the batch),
// denominator B their mean (IFactFormer, PyTorch's MSELoss). Under data-parallel training each rank
// passes the global batch size, so that the ranks' losses and gradients add up to one rank's.
#pragma once

#include <string>

#include "core/tensor/tape.hpp"

namespace eddyop::surrogates {

using tensor::Index;
using tensor::Tape;
using tensor::TensorT;
using tensor::Var;

enum class LossKind { rel_l2, mse, h1 };
LossKind parse_loss(const std::string& name);  // "rel_l2", "mse", "h1"

// r_b = ||p_b - y_b||_2 / ||y_b||_2 over all channels and points of sample b (the FNO papers'
// relative L2). Returns shape (1).
template <class T>
Var<T> relative_l2(Tape<T>& tape, const Var<T>& pred /* (B, C, S...) */,
                   const TensorT<T>& target /* (B, C, S...) */, double denominator);

// r_b = mean over the channels and points of sample b of (p_b - y_b)^2.
template <class T>
Var<T> mse(Tape<T>& tape, const Var<T>& pred /* (B, C, S...) */,
           const TensorT<T>& target /* (B, C, S...) */, double denominator);

// Relative spectral H1: r_b = ||sqrt(1 + |k|^2) F(p_b - y_b)|| / ||sqrt(1 + |k|^2) F(y_b)||, F the
// FFT over the spatial axes, k the integer wavenumbers (|k| <= n/2, the Nyquist mode counted at
// n/2), norms over all channels and modes: the FNO reference's HsLoss(k=1, a=[1]). Computed on the
// half spectrum of the FFT wrapper, interior modes of the last axis counted twice.
template <class T>
Var<T> spectral_h1(Tape<T>& tape, const Var<T>& pred /* (B, C, S...) */,
                   const TensorT<T>& target /* (B, C, S...) */, double denominator);

template <class T>
Var<T> loss(LossKind kind, Tape<T>& tape, const Var<T>& pred, const TensorT<T>& target,
            double denominator);

}  // namespace eddyop::surrogates
