// `eddyop generate` for a case with a `channel:` section: the whole data generation.
#pragma once

#include <mpi.h>

#include <string>

#include "core/config.hpp"

namespace eddyop::solvers::channel {

// What a run wrote (absolute or run-dir-relative paths, as given).
struct ChannelRunResult {
  std::string dataset;     // <run_dir>/dataset.h5: coarse (trajectory, time, x, y, z) u, v, w, p
  std::string statistics;  // <run_dir>/statistics.h5
  std::string checkpoint;  // <run_dir>/checkpoint.h5: float64 state at the end
  std::string snapshots;   // <run_dir>/snapshots.h5, empty unless snapshot_interval > 0
  long steps = 0;
};

// Validates `channel.*` before allocating, then for each trajectory r: starts from the restart
// file (plus the trip of seed + r for r > 0), from trajectory initial_trajectory + r of
// initial_dataset at its time index initial_step (mapped and projected, no trip; the samples
// then carry the dataset's times), or from the laminar flow tripped with seed + r, spins up for
// spinup_time, and records `samples` filtered coarse fields sample_interval apart. The cost of
// the steps (CPU and wall seconds per step and per sampling interval) goes to the log and to
// /physics of dataset.h5 (cost_*).
// Rank 0 shows a progress line (step, t, dt, CFL, Re_tau, U_b, ETA) and appends metrics.jsonl.
// Blow-up (NaN, CFL above max_cfl, |u| above max_velocity) stops the run with an eddyop::Error
// naming the step, time and cause; the last good checkpoint.h5 is kept. Collective over comm.
ChannelRunResult run_channel(const config::Case& c, const std::string& run_dir,
                             MPI_Comm comm = MPI_COMM_WORLD);

}  // namespace eddyop::solvers::channel
