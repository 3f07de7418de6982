// The engine's host threads: where Kokkos runs on the host, the elementwise kernels
// (operators/host_loop), the fused kernels and the GEMMs (gemm.cpp) are cut into parts by the
// engine (run_parts). On Debian's one-thread Kokkos Serial the parts run on one small pool of the
// engine's own, whose workers block between jobs; on a threaded host backend (OpenMP, Threads)
// they run on Kokkos' threads. OpenBLAS then runs at one thread per call: its own workers would
// spin-wait after every GEMM (sched_yield loops) and take the cores the parts need.
#pragma once

#include <Kokkos_Core.hpp>
#include <functional>
#include <type_traits>

#include "core/tensor/tensor.hpp"

namespace eddyop::tensor {

// True when Kokkos' default execution space is a host one (Serial, OpenMP, Threads): the engine
// cuts its host work into parts itself.
constexpr bool host_parts() {
  return std::is_same<ExecSpace, Kokkos::DefaultHostExecutionSpace>::value;
}

// True when Kokkos loops run on the host on one thread: the parts then run on the engine's own
// threads. Call it after Kokkos has started.
inline bool host_serial() {
  return host_parts() && ExecSpace().concurrency() == 1;
}

// The run's host threads (`runtime.threads`); 1 by default. Call it after Kokkos has started: it
// also sets OpenBLAS's threads, to 1 where host_parts() (the engine splits the GEMMs instead) and
// to `threads` on a device backend (where the host's GEMMs are not split).
void set_host_threads(int threads);
int host_threads();

// Runs part(p) for p in [0, parts) on the calling thread and parts - 1 pool threads (Kokkos
// Serial) or on Kokkos' host threads (OpenMP, Threads); returns when every part is done. Jobs from
// several calling threads run one after another; inside a part, run_parts runs its parts in order
// on that thread. Exceptions inside a part terminate (kernels do not throw).
void run_parts(int parts, const std::function<void(int)>& part);

// True on a thread while it runs a part of run_parts: work it starts is not cut again (a cut
// would run in order on that same thread anyway).
bool in_host_part();

}  // namespace eddyop::tensor
