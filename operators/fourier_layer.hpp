// Fused ops of the Fourier neural operator (implemented in spectral_conv.cpp).
#pragma once

#include "operators/ops.hpp"

namespace eddyop::ops {

// One Fourier layer in one op: y = act(spectral_conv(x, w) + pointwise_conv(x, skip_w, skip_b)),
// act = GELU when `activate`, identity otherwise. x (B, Cin, S...), w as for spectral_conv,
// skip_w (Cout, Cin), skip_b (Cout). Equal to the composition of the separate ops up to float
// rounding, with one output buffer (plus the pre-activation, kept for the backward when
// `activate` and recording) instead of four, and two fewer passes over memory.
template <class T>
Var<T> fourier_layer(Tape<T>& tape, const Var<T>& x, const Var<T>& w, const Var<T>& skip_w,
                     const Var<T>& skip_b, const std::vector<Index>& modes, bool activate);

// The FNO's projection in one op: y = w2 gelu(w1 x + b1) + b2 for x (B, Cin, S...), w1 (Ch, Cin),
// w2 (Cout, Ch). Keeps only the pre-activation (B, Ch, S...) for the backward, which recomputes
// the GELU, instead of four (B, Ch, S...) tensors of the composed ops.
template <class T>
Var<T> projection(Tape<T>& tape, const Var<T>& x, const Var<T>& w1, const Var<T>& b1,
                  const Var<T>& w2, const Var<T>& b2);

}  // namespace eddyop::ops
