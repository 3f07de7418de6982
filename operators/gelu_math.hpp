// GELU and its derivative as inline scalar functions, shared by the gelu op (activation.cpp) and
// the fused kernels that apply it inside another op (the Fourier layer, the FNO projection).
//
// float: branch-free erf and exp built from multiplies, adds and selects only, so that the
// elementwise loops vectorise (libm's erff/expf are calls and do not). erf follows N. Juffa's
// faithfully rounded erff (max. 1 ulp with FMA; without FMA, as here by default, a few ulps),
// evaluated as 1 + erf(x) directly so that the negative tail keeps its relative accuracy.
// double: std::erf/std::exp (the finite-difference checks run in double).
#pragma once

#include <Kokkos_Core.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace eddyop::ops::detail {

// c ? a : b on the bits, which the vectoriser keeps branch-free (a float ?: becomes control flow
// that it will not if-convert while floating-point traps are honoured, GCC's default).
KOKKOS_INLINE_FUNCTION float select(bool c, float a, float b) {
  std::uint32_t ia, ib;
  std::memcpy(&ia, &a, sizeof ia);
  std::memcpy(&ib, &b, sizeof ib);
  const std::uint32_t m = 0u - static_cast<std::uint32_t>(c);
  const std::uint32_t r = (ia & m) | (ib & ~m);
  float f;
  std::memcpy(&f, &r, sizeof f);
  return f;
}

// e^x for float, |rel. error| ~ 1-2 ulp on [-87, 88]; x outside is clamped (e^-87 ~ 1.6e-38).
KOKKOS_INLINE_FUNCTION float exp_fast(float x) {
  x = select(x < -87.0f, -87.0f, x);
  x = select(x > 88.0f, 88.0f, x);
  // n = round(x / ln 2) by the 1.5 * 2^23 trick (exact for |x / ln 2| < 2^22).
  const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  float r = x - n * 0.693145751953125f;  // ln 2 split: hi has 16 bits, n * hi is exact
  r = r - n * 1.42860676533018704e-6f;
  // e^r on |r| <= ln2 / 2 by its Taylor series to r^7 (truncation < 1e-8 relative).
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const std::int32_t bits = (static_cast<std::int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

// 1 + erf(a) for float, branch-free.
KOKKOS_INLINE_FUNCTION float one_plus_erf_fast(float a) {
  const float t = std::fabs(a);
  const float s = a * a;
  // |a| > 0.927734375: erf(|a|) = 1 - e^q
  float q = -1.72853470e-5f * t + 3.83197126e-4f;
  const float u = -3.88396438e-3f * t + 2.42546219e-2f;
  q = q * s + u;
  q = q * t - 1.06777877e-1f;
  q = q * t - 6.34846687e-1f;
  q = q * t - 1.28717512e-1f;
  q = q * t - t;
  const float e = exp_fast(q);
  const float tail = select(a < 0.0f, e, 2.0f - e);
  // |a| <= 0.927734375: erf(a) = a + a p(a^2)
  float p = -5.96761703e-4f;
  p = p * s + 4.99119423e-3f;
  p = p * s - 2.67681349e-2f;
  p = p * s + 1.12819925e-1f;
  p = p * s - 3.76125336e-1f;
  p = p * s + 1.28379166e-1f;
  const float core = 1.0f + (p * a + a);
  return select(t > 0.927734375f, tail, core);
}

// erf(a) for float (the same two pieces, without the shift by 1 near zero).
KOKKOS_INLINE_FUNCTION float erf_fast(float a) {
  const float t = std::fabs(a);
  if (t <= 0.927734375f) {
    const float s = a * a;
    float p = -5.96761703e-4f;
    p = p * s + 4.99119423e-3f;
    p = p * s - 2.67681349e-2f;
    p = p * s + 1.12819925e-1f;
    p = p * s - 3.76125336e-1f;
    p = p * s + 1.28379166e-1f;
    return p * a + a;
  }
  return one_plus_erf_fast(a) - 1.0f;
}

template <class T>
KOKKOS_INLINE_FUNCTION T gelu_value(T x) {
  return T(0.5) * x * (T(1) + std::erf(x * T(0.70710678118654752440)));
}
template <>
KOKKOS_INLINE_FUNCTION float gelu_value<float>(float x) {
  return 0.5f * x * one_plus_erf_fast(x * 0.70710678118654752440f);
}

// d gelu / dx = Phi(x) + x phi(x)
template <class T>
KOKKOS_INLINE_FUNCTION T gelu_derivative(T x) {
  return T(0.5) * (T(1) + std::erf(x * T(0.70710678118654752440))) +
         x * T(0.39894228040143267794) * std::exp(T(-0.5) * x * x);
}
template <>
KOKKOS_INLINE_FUNCTION float gelu_derivative<float>(float x) {
  return 0.5f * one_plus_erf_fast(x * 0.70710678118654752440f) +
         x * 0.39894228040143267794f * exp_fast(-0.5f * x * x);
}

// gelu(x) and gelu'(x) together, sharing Phi(x) (one erf and one exp instead of two erf).
template <class T>
KOKKOS_INLINE_FUNCTION void gelu_and_derivative(T x, T& value, T& derivative) {
  const T Phi = T(0.5) * (T(1) + std::erf(x * T(0.70710678118654752440)));
  value = x * Phi;
  derivative = Phi + x * T(0.39894228040143267794) * std::exp(T(-0.5) * x * x);
}
template <>
KOKKOS_INLINE_FUNCTION void gelu_and_derivative<float>(float x, float& value, float& derivative) {
  const float Phi = 0.5f * one_plus_erf_fast(x * 0.70710678118654752440f);
  value = x * Phi;
  derivative = Phi + x * 0.39894228040143267794f * exp_fast(-0.5f * x * x);
}

}  // namespace eddyop::ops::detail
