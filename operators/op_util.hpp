// Shared helpers of the op files (internal to operators/).
#pragma once

#include <Kokkos_Core.hpp>

#include "core/tensor/tape.hpp"

namespace eddyop::ops::detail {

using tensor::ExecSpace;
using tensor::Index;

inline Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<Index>> range(Index n) {
  return Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<Index>>(0, n);
}

// Up to 8 axes of strides, copyable into a kernel.
constexpr int kMaxRank = 8;
struct Dims {
  int rank = 0;
  Index size[kMaxRank] = {};
  Index stride[kMaxRank] = {};
};

inline Dims dims_of(const tensor::Shape& s) {
  EDDYOP_CHECK(s.rank() <= kMaxRank, "ops", "rank " << s.rank() << " > " << kMaxRank);
  Dims d;
  d.rank = s.rank();
  Index st = 1;
  for (int a = d.rank - 1; a >= 0; --a) {
    d.size[a] = s[a];
    d.stride[a] = st;
    st *= s[a];
  }
  return d;
}

// Sum of n contiguous values, in double with four partial sums (vectorises; no float drift).
template <class T>
KOKKOS_INLINE_FUNCTION T row_sum(const T* v, Index n) {
  double s[4] = {0, 0, 0, 0};
  Index i = 0;
  for (; i + 4 <= n; i += 4)
    for (int j = 0; j < 4; ++j) s[j] += static_cast<double>(v[i + j]);
  for (; i < n; ++i) s[0] += static_cast<double>(v[i]);
  return static_cast<T>((s[0] + s[1]) + (s[2] + s[3]));
}

// The gradient of a per-channel bias of a channel-first output: db (C) += sum over the batch and
// the points of dy (B, C, P). Every conv-like op's bias backward is this one kernel.
template <class T>
void add_channel_sums(T* db, const T* dy, Index B, Index C, Index P, const char* name) {
  Kokkos::parallel_for(
      name, range(C), KOKKOS_LAMBDA(Index c) {
        T s = 0;
        for (Index n = 0; n < B; ++n) s += row_sum(dy + (n * C + c) * P, P);
        db[c] += s;
      });
}

// True when y's backward has something to do (its gradient was reached).
template <class T>
bool reached(const tensor::Var<T>& y) {
  return !y->grad.empty();
}

}  // namespace eddyop::ops::detail
