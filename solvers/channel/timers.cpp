#include "solvers/channel/timers.hpp"

#include <cstdio>

namespace eddyop::solvers::channel {

const char* phase_name(Phase p) {
  switch (p) {
    case Phase::sgs:
      return "sgs";
    case Phase::momentum:
      return "momentum";
    case Phase::predict:
      return "predict";
    case Phase::implicit_y:
      return "implicit y";
    case Phase::halo:
      return "halo";
    case Phase::fillps:
      return "fillps";
    case Phase::fft_x:
      return "fft x";
    case Phase::transpose:
      return "transpose";
    case Phase::fft_z:
      return "fft z";
    case Phase::tridiagonal:
      return "tridiagonal";
    case Phase::correct:
      return "correct";
    case Phase::reduce:
      return "reduce";
    case Phase::count:
      break;
  }
  return "?";
}

std::string phase_table(const PhaseTimes& t, MPI_Comm comm) {
  constexpr int n = static_cast<int>(Phase::count);
  double sum[n], mx[n], mn[n];
  MPI_Allreduce(t.seconds, sum, n, MPI_DOUBLE, MPI_SUM, comm);
  MPI_Allreduce(t.seconds, mx, n, MPI_DOUBLE, MPI_MAX, comm);
  MPI_Allreduce(t.seconds, mn, n, MPI_DOUBLE, MPI_MIN, comm);
  int size = 1;
  MPI_Comm_size(comm, &size);
  const double steps = t.steps > 0 ? static_cast<double>(t.steps) : 1.0;
  double total = 0.0;
  for (int q = 0; q < n; ++q) total += sum[q] / size;
  std::string out = "channel step phases, ms per step (" + std::to_string(t.steps) + " steps, " +
                    std::to_string(size) + " rank(s)): mean / slowest / fastest rank, share\n";
  char line[128];
  for (int q = 0; q < n; ++q) {
    std::snprintf(line, sizeof line, "  %-12s %8.3f %8.3f %8.3f  %5.1f %%\n",
                  phase_name(static_cast<Phase>(q)), 1e3 * sum[q] / size / steps,
                  1e3 * mx[q] / steps, 1e3 * mn[q] / steps,
                  total > 0 ? 100.0 * sum[q] / size / total : 0.0);
    out += line;
  }
  std::snprintf(line, sizeof line, "  %-12s %8.3f", "total", 1e3 * total / steps);
  out += line;
  return out;
}

}  // namespace eddyop::solvers::channel
