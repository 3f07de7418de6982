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

// True when y's backward has something to do (its gradient was reached).
template <class T>
bool reached(const tensor::Var<T>& y) {
  return !y->grad.empty();
}

}  // namespace eddyop::ops::detail
