// The engine's host threads: one small pool that the elementwise kernels (operators/host_loop)
// and the GEMMs (gemm.cpp) share, so that on Debian's one-thread Kokkos Serial a single set of
// workers exists and they block between jobs. OpenBLAS then runs at one thread per call: its own
// workers would spin-wait after every GEMM (sched_yield loops) and take the core the pool needs.
#pragma once

#include <Kokkos_Core.hpp>
#include <functional>
#include <type_traits>

#include "core/tensor/tensor.hpp"

namespace eddyop::tensor {

// True when Kokkos loops run on the host on one thread: the engine then brings its own threads.
// Call it after Kokkos has started.
inline bool host_serial() {
  return std::is_same<ExecSpace, Kokkos::DefaultHostExecutionSpace>::value &&
         ExecSpace().concurrency() == 1;
}

// The run's host threads (`runtime.threads`); 1 by default. Call it after Kokkos has started: it
// also sets OpenBLAS's threads, to 1 where host_serial() (the pool splits the GEMMs instead) and
// to `threads` otherwise (Kokkos OpenMP or a device, where nothing splits them).
void set_host_threads(int threads);
int host_threads();

// Runs part(p) for p in [0, parts) on the calling thread and parts - 1 pool threads; returns
// when every part is done. Jobs from several calling threads run one after another; inside a part,
// run_parts runs its parts in order on that thread. Exceptions inside a part terminate (kernels
// do not throw).
void run_parts(int parts, const std::function<void(int)>& part);

// True on a thread while it runs a part of run_parts: work it starts is not cut again (a cut
// would run in order on that same thread anyway).
bool in_host_part();

}  // namespace eddyop::tensor
