// host_for: the loop of the heavy elementwise kernels (GELU and its derivative over whole
// activations, spectrum packing, the fused kernels' row passes). On a device it is
// Kokkos::parallel_for. On a host backend it splits the range over host_threads() parts
// (tensor::run_parts: the engine's small pool on Debian's one-thread Kokkos Serial, Kokkos' own
// threads on OpenMP or Threads; the GEMMs share them) and runs each part with AVX2/FMA
// instructions when the CPU has them (chosen at run time, so that the build stays portable: the
// default x86-64 target has only SSE2, four lanes and no FMA).
//
// f(i) must be safe to run concurrently for different i (as for any parallel_for); callers make
// i a row index and loop over the row inside f, so that the inner loop vectorises.
#pragma once

#include <Kokkos_Core.hpp>
#include <cstdint>
#include <functional>
#include <type_traits>

#include "core/tensor/host_pool.hpp"
#include "core/tensor/tensor.hpp"

namespace eddyop::ops {

// Parts host_for cuts its range into on a host backend (the run's `threads`; the pool and its
// settings live in core/tensor/host_pool, shared with the GEMMs).
using tensor::host_threads;
using tensor::set_host_threads;

namespace detail {

using tensor::Index;

using tensor::host_parts;
using tensor::run_parts;
bool cpu_has_avx2_fma();

template <class F>
void host_range_plain(Index begin, Index end, const F& f) {
  for (Index i = begin; i < end; ++i) f(i);
}

#if defined(__x86_64__) && defined(__GNUC__)
// The same loop compiled for AVX2 + FMA; f (flattened into it, however large) is vectorised for
// that target.
template <class F>
__attribute__((target("avx2,fma"), flatten)) void host_range_avx2(Index begin, Index end,
                                                                  const F& f) {
  for (Index i = begin; i < end; ++i) f(i);
}
#endif

template <class F>
void host_range(Index begin, Index end, const F& f) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (cpu_has_avx2_fma()) return host_range_avx2(begin, end, f);
#endif
  host_range_plain(begin, end, f);
}

}  // namespace detail

template <class F>
void host_for(const char* name, tensor::Index n, const F& f) {
  if (n <= 0) return;
  if (!detail::host_parts()) {
    Kokkos::parallel_for(
        name, Kokkos::RangePolicy<tensor::ExecSpace, Kokkos::IndexType<tensor::Index>>(0, n), f);
    return;
  }
  std::uint64_t id = 0;
  const bool tools = Kokkos::Tools::profileLibraryLoaded();
  if (tools) Kokkos::Tools::beginParallelFor(name, 0, &id);
  const tensor::Index parts = std::min<tensor::Index>(host_threads(), n);
  if (parts <= 1) {
    detail::host_range(0, n, f);
  } else {
    detail::run_parts(static_cast<int>(parts),
                      [&](int p) { detail::host_range(n * p / parts, n * (p + 1) / parts, f); });
  }
  if (tools) Kokkos::Tools::endParallelFor(id);
}

}  // namespace eddyop::ops
