// Lanes<T>: a 64-byte vector of T (16 floats, 8 doubles) in GCC's vector extension, for the
// row reductions of the host kernels (InstanceNorm and LayerNorm statistics). Written as plain
// loops of running sums, GCC keeps such sums in scalar registers and adds one element at a time
// (it may not reassociate floating-point sums); in a Lanes value every lane is its own running
// sum, so the loop is one vector add per 16 floats, compiled for whatever target the enclosing
// function has (host_for's AVX2 clone: two ymm registers). Lane k sums the elements k, k + 16,
// k + 32, ... of a row, the order a 16-lane array of sums had before, so results are unchanged.
//
// Host code only (the kernels that use it run under host_for on a one-thread host backend).
#pragma once

#include <cstring>

#include "core/tensor/tensor.hpp"

namespace eddyop::ops::detail {

template <class T>
struct Lanes {
  static constexpr int kWidth = static_cast<int>(64 / sizeof(T));
  typedef T Vec __attribute__((vector_size(64)));
  Vec v;

  static Lanes zero() { return Lanes{Vec{}}; }
  static Lanes splat(T x) { return Lanes{Vec{} + x}; }
  static Lanes load(const T* p) {
    Lanes r;
    std::memcpy(&r.v, p, sizeof(Vec));
    return r;
  }
  void store(T* p) const { std::memcpy(p, &v, sizeof(Vec)); }
  // The lanes summed in double, lane 0 first.
  double sum() const {
    double s = 0;
    for (int k = 0; k < kWidth; ++k) s += static_cast<double>(v[k]);
    return s;
  }
};

// Sums of a row r[0, n): s += r - c and s2 += (r - c)^2 (c a shift against cancellation in
// E[e^2] - E[e]^2), lane by lane; the tail (n mod width) goes to the first lanes.
template <class T>
inline void add_shifted_sums(Lanes<T>& s, Lanes<T>& s2, const T* r, tensor::Index n, T c) {
  constexpr int W = Lanes<T>::kWidth;
  const Lanes<T> cv = Lanes<T>::splat(c);
  tensor::Index q = 0;
  for (; q + W <= n; q += W) {
    const auto e = Lanes<T>::load(r + q).v - cv.v;
    s.v += e;
    s2.v += e * e;
  }
  for (int k = 0; q < n; ++q, ++k) {
    const T e = r[q] - c;
    s.v[k] += e;
    s2.v[k] += e * e;
  }
}

// s += r[0, n), lane by lane, as above.
template <class T>
inline void add_sums(Lanes<T>& s, const T* r, tensor::Index n) {
  constexpr int W = Lanes<T>::kWidth;
  tensor::Index q = 0;
  for (; q + W <= n; q += W) s.v += Lanes<T>::load(r + q).v;
  for (int k = 0; q < n; ++q, ++k) s.v[k] += r[q];
}

}  // namespace eddyop::ops::detail
