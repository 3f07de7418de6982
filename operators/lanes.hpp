// Lanes<T>: 64 bytes of T (16 floats, 8 doubles) as two 32-byte vectors of GCC's vector
// extension, for the row reductions of the host kernels (InstanceNorm and LayerNorm statistics).
// Written as plain loops of running sums, GCC keeps such sums in scalar registers and adds one
// element at a time (it may not reassociate floating-point sums); in Lanes every lane is its own
// running sum, so the loop is two vector adds per 16 floats, compiled for whatever target the
// enclosing function has (host_for's AVX2 clone: one ymm register per half; 32 bytes is that
// target's width, so that the sums stay in registers). Lane k sums the elements k, k + 16,
// k + 32, ... of a row. row_mean_rstd, at the end, is the normalisations' statistics of a row.
//
// Host code only (the kernels that use it run in host_for or run_parts parts on a host backend).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/tensor/tensor.hpp"

namespace eddyop::ops::detail {

template <class T>
struct Lanes {
  static constexpr int kWidth = static_cast<int>(64 / sizeof(T));
  static constexpr int kHalf = kWidth / 2;
  typedef T Half __attribute__((vector_size(32)));
  Half lo, hi;

  static Lanes zero() { return Lanes{Half{}, Half{}}; }
  static Half load(const T* p) {
    Half h;
    std::memcpy(&h, p, sizeof(Half));
    return h;
  }
  static void store(T* p, const Half& h) { std::memcpy(p, &h, sizeof(Half)); }
  // Lane k (k < kWidth).
  T& operator[](int k) { return k < kHalf ? lo[k] : hi[k - kHalf]; }
  // The lanes summed in double, lane 0 first.
  double sum() const {
    double s = 0;
    for (int k = 0; k < kHalf; ++k) s += static_cast<double>(lo[k]);
    for (int k = 0; k < kHalf; ++k) s += static_cast<double>(hi[k]);
    return s;
  }
};

// Sums of a row r[0, n): s += r - c and s2 += (r - c)^2 (c a shift against cancellation in
// E[e^2] - E[e]^2), lane by lane; the tail (n mod width) goes to the first lanes. The sums run in
// locals (registers): through the references, every step would store and reload them, since a
// store to a vector of T may alias r.
template <class T>
inline void add_shifted_sums(Lanes<T>& s, Lanes<T>& s2, const T* r, tensor::Index n, T c) {
  using L = Lanes<T>;
  using H = typename L::Half;
  constexpr int W = L::kWidth, W2 = L::kHalf;
  H a0 = s.lo, a1 = s.hi, b0 = s2.lo, b1 = s2.hi;
  const H cv = H{} + c;
  tensor::Index q = 0;
  for (; q + W <= n; q += W) {
    const H e0 = L::load(r + q) - cv, e1 = L::load(r + q + W2) - cv;
    a0 += e0;
    a1 += e1;
    b0 += e0 * e0;
    b1 += e1 * e1;
  }
  s = L{a0, a1};
  s2 = L{b0, b1};
  for (int k = 0; q < n; ++q, ++k) {
    const T e = r[q] - c;
    s[k] += e;
    s2[k] += e * e;
  }
}

// s += r[0, n), lane by lane, as above.
template <class T>
inline void add_sums(Lanes<T>& s, const T* r, tensor::Index n) {
  using L = Lanes<T>;
  using H = typename L::Half;
  constexpr int W = L::kWidth, W2 = L::kHalf;
  H a0 = s.lo, a1 = s.hi;
  tensor::Index q = 0;
  for (; q + W <= n; q += W) {
    a0 += L::load(r + q);
    a1 += L::load(r + q + W2);
  }
  s = L{a0, a1};
  for (int k = 0; q < n; ++q, ++k) s[k] += r[q];
}

// Normalisation statistics of the row r[0, n) (InstanceNorm over a channel's points, LayerNorm
// over a point's channels): the mean and 1/sqrt(var + eps), var biased. Sums of e = r - c,
// c = the first value (a shift against cancellation in E[e^2] - E[e]^2), combined in double.
template <class T>
inline void row_mean_rstd(const T* r, tensor::Index n, T eps, T& mu, T& rstd) {
  const T c = r[0];
  auto a = Lanes<T>::zero(), a2 = Lanes<T>::zero();
  add_shifted_sums(a, a2, r, n, c);
  const double inv_n = 1.0 / static_cast<double>(n);
  const double e = a.sum() * inv_n, var = std::max(a2.sum() * inv_n - e * e, 0.0);
  mu = static_cast<T>(static_cast<double>(c) + e);
  rstd = static_cast<T>(1.0 / std::sqrt(var + static_cast<double>(eps)));
}

}  // namespace eddyop::ops::detail
