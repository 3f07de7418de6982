#include "solvers/channel/run.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/hdf5/writer.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "core/progress.hpp"
#include "core/provenance.hpp"
#include "solvers/channel/initial.hpp"
#include "solvers/channel/output.hpp"
#include "solvers/channel/solver.hpp"
#include "solvers/channel/statistics.hpp"

namespace eddyop::solvers::channel {

namespace fs = std::filesystem;

namespace {

std::string fmt(const char* f, double x) {
  char b[32];
  std::snprintf(b, sizeof b, f, x);
  return b;
}

// CPU seconds of this process (all its threads).
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Time spent in ChannelSolver::step: everything (spin-up included), and the sampling phase
// (from each trajectory's first sample to its last), whose steps advance whole intervals.
struct StepCost {
  double cpu = 0, wall = 0, sampling_cpu = 0, sampling_wall = 0;
  long steps = 0, sampling_steps = 0, intervals = 0;
};

// Coarse cell centres of the training grid.
std::vector<double> centres(int n, double length) {
  std::vector<double> c(n);
  for (int i = 0; i < n; ++i) c[i] = (i + 0.5) * length / n;
  return c;
}

}  // namespace

ChannelRunResult run_channel(const config::Case& c, const std::string& run_dir, MPI_Comm comm) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const ChannelParams p = params_from_case(c);
  validate(p, size);
  EDDYOP_CHECK_HINT(p.restart.empty() || fs::exists(p.restart), "channel",
                    "restart file '" << p.restart << "' does not exist",
                    "give a checkpoint.h5 written by a channel run, or leave restart empty");
  // Starting from a dataset snapshot: checked before anything is allocated or written; the
  // samples then carry the dataset's times, from its time index initial_step on.
  const bool from_dataset = !p.initial_dataset.empty();
  const double t_start = from_dataset ? check_initial_dataset(p) : 0.0;
  if (rank == 0) fs::create_directories(run_dir);
  MPI_Barrier(comm);

  ChannelRunResult res;
  res.dataset = (fs::path(run_dir) / "dataset.h5").string();
  res.statistics = (fs::path(run_dir) / "statistics.h5").string();
  res.checkpoint = (fs::path(run_dir) / "checkpoint.h5").string();
  if (p.snapshot_interval > 0) res.snapshots = (fs::path(run_dir) / "snapshots.h5").string();
  const Provenance prov =
      Provenance::collect(static_cast<long long>(p.seed), c.resolved_yaml(), comm);

  ChannelSolver solver(p, comm);
  const Grid& g = solver.grid();
  const double ub = p.bulk_velocity > 0 ? p.bulk_velocity : dean_bulk_velocity(p.re_tau);
  if (rank == 0)
    spdlog::info(
        "channel: {} x {} x {} ({} cells in y, stretching {}), Re_tau {}, {} forcing, sgs {}, "
        "{} trajectories x {} samples every {} after {} of spin-up, {} rank(s) (z slabs)",
        p.nx, p.ny, p.nz, g.ncy, p.stretching, p.re_tau, forcing_name(p.forcing), sgs_name(p.sgs),
        p.trajectories, p.samples, p.sample_interval, p.spinup_time, size);

  // The dataset: (trajectory, time, x, y, z) float32 on the coarse grid.
  const int ncy_out = p.out_ny - 1;
  const long coarse = static_cast<long>(p.out_nx) * ncy_out * p.out_nz;
  h5::Writer dataset(res.dataset, "dataset", comm);
  const char* names[4] = {"u", "v", "w", "p"};
  for (const char* n : names)
    dataset.create_field(n, h5::DType::kFloat32, "trajectory,time,x,y,z",
                         {p.trajectories, p.samples, p.out_nx, ncy_out, p.out_nz});
  {
    const std::vector<double> fy = tanh_faces(ncy_out, p.ly, p.stretching);
    std::vector<double> yc(ncy_out);
    for (int j = 0; j < ncy_out; ++j) yc[j] = 0.5 * (fy[j] + fy[j + 1]);
    dataset.write_coordinate("x", centres(p.out_nx, p.lx));
    dataset.write_coordinate("y", yc);
    dataset.write_coordinate("y_face", fy);
    dataset.write_coordinate("z", centres(p.out_nz, p.lz));
    std::vector<double> t(p.samples);
    for (int s = 0; s < p.samples; ++s) t[s] = t_start + p.spinup_time + s * p.sample_interval;
    dataset.write_coordinate("t", t);
  }
  const int snapshots_per_traj =
      p.snapshot_interval > 0 ? (p.samples + p.snapshot_interval - 1) / p.snapshot_interval : 0;
  std::unique_ptr<h5::Writer> snaps;
  if (snapshots_per_traj > 0) {
    snaps = std::make_unique<h5::Writer>(res.snapshots, "snapshots", comm);
    for (const char* n : names)
      snaps->create_field(
          n, h5::DType::kFloat32, "sample,x,y,z",
          {static_cast<long>(p.trajectories) * snapshots_per_traj, p.nx, g.ncy, p.nz});
  }

  MetricsWriter metrics(fs::path(run_dir) / "metrics.jsonl", true, rank == 0);
  RunningStatistics stats(g.ncy);
  const double per_traj = p.spinup_time + (p.samples - 1) * p.sample_interval;
  ProgressOptions po;
  po.enabled = rank == 0;
  if (c.has("runtime.progress_seconds"))
    po.every_seconds = c.get<double>("runtime.progress_seconds");
  if (c.has("runtime.progress_steps")) po.every_steps = c.get<long>("runtime.progress_steps");
  // Progress counts simulated time in thousandths, so that the ETA follows physical time.
  Progress progress("channel", std::lround(1000.0 * per_traj * p.trajectories), po);
  std::vector<float> traj_buf(rank == 0 ? 4 * p.samples * coarse : 0);
  std::vector<float> snap_buf;
  long snap_index = 0;
  StepCost cost;

  for (int r = 0; r < p.trajectories; ++r) {
    const std::uint64_t seed = p.seed + static_cast<std::uint64_t>(r);
    if (from_dataset) {
      const DatasetSnapshot snap = read_dataset_snapshot(p, p.initial_trajectory + r);
      set_state_from_snapshot(solver, snap);
      const double div = solver.max_divergence();  // collective
      if (rank == 0)
        spdlog::info(
            "channel: trajectory {} starts from trajectory {}, time index {} (t = {}) of {} "
            "({} x {} x {} cells, sampled every {}), projected: max |div u| {:.2e}",
            r, p.initial_trajectory + r, p.initial_step, snap.time, snap.path, snap.nx, snap.ncy,
            snap.nz, snap.sampling_interval, div);
      if (rank == 0 && snap.sampling_interval > 0 &&
          std::abs(snap.sampling_interval - p.sample_interval) > 1e-9 * p.sample_interval)
        spdlog::warn("channel: sample_interval {} differs from the initial dataset's {}",
                     p.sample_interval, snap.sampling_interval);
    } else if (!p.restart.empty()) {
      read_checkpoint(p.restart, solver);
      // Other trajectories branch from the same state with a small seeded trip.
      if (r > 0) solver.perturb(seed, 0.02 * p.perturbation * ub);
    } else {
      solver.set_laminar_with_trip(ub, seed, p.perturbation);
    }
    // The starting state is the first good checkpoint: a blow-up in the first interval keeps it.
    if (p.checkpoint_interval > 0) write_checkpoint(res.checkpoint, solver, prov);
    const double t0 = solver.time();
    long traj_steps = 0;
    int next = 0;
    while (next < p.samples) {
      const double t_sample = t0 + p.spinup_time + next * p.sample_interval;
      if (solver.time() >= t_sample - 1e-9 * p.sample_interval) {
        const std::vector<float> cf = coarse_fields(solver, p.out_nx, p.out_ny, p.out_nz);
        if (rank == 0)
          for (int f = 0; f < 4; ++f)
            std::copy(cf.begin() + f * coarse, cf.begin() + (f + 1) * coarse,
                      traj_buf.begin() + (static_cast<long>(f) * p.samples + next) * coarse);
        if (snaps && next % p.snapshot_interval == 0) {
          snap_buf = centre_fields(solver);
          const long cells = g.cells();
          for (int f = 0; f < 4; ++f)
            snaps->write_slab(names[f], rank == 0 ? snap_buf.data() + f * cells : nullptr,
                              snap_index, rank == 0 ? 1 : 0);
          ++snap_index;
        }
        ++next;
        continue;
      }
      EDDYOP_CHECK_HINT(p.max_steps == 0 || traj_steps < p.max_steps, "channel",
                        "trajectory " << r << " reached max_steps = " << p.max_steps << " at t = "
                                      << solver.time() - t0 << " before sample " << next,
                        "raise channel.max_steps or shorten the sampling window");
      const double cpu0 = cpu_seconds(), wall0 = wall_seconds();
      const StepInfo info = solver.step(0.0, t_sample - solver.time());
      const double cpu1 = cpu_seconds() - cpu0, wall1 = wall_seconds() - wall0;
      cost.cpu += cpu1;
      cost.wall += wall1;
      ++cost.steps;
      if (next > 0) {
        cost.sampling_cpu += cpu1;
        cost.sampling_wall += wall1;
        ++cost.sampling_steps;
      }
      ++traj_steps;
      ++res.steps;
      const double vmax = solver.max_velocity();
      std::string cause;
      if (std::isnan(vmax) || std::isnan(info.cfl))
        cause = "NaN in the velocity";
      else if (info.cfl > p.max_cfl)
        cause = "CFL " + fmt("%.3g", info.cfl) + " above max_cfl " + fmt("%.3g", p.max_cfl);
      else if (vmax > p.max_velocity)
        cause = "|u| " + fmt("%.4g", vmax) + " above max_velocity " + fmt("%.4g", p.max_velocity);
      if (!cause.empty()) {
        metrics.write({{"event", "blow_up"},
                       {"step", solver.steps()},
                       {"t", solver.time()},
                       {"trajectory", r},
                       {"cause", cause}});
        EDDYOP_FAIL_HINT("channel",
                         "blow-up at step " << solver.steps() << " (t = " << solver.time()
                                            << ", trajectory " << r << "): " << cause,
                         "the last good state is " << res.checkpoint
                                                   << " (if one was written); lower channel.cfl "
                                                      "or refine the grid");
      }
      if (solver.time() - t0 >= p.stats_start && traj_steps % p.stats_interval == 0)
        stats.accumulate(solver);
      if (p.checkpoint_interval > 0 && solver.steps() % p.checkpoint_interval == 0)
        write_checkpoint(res.checkpoint, solver, prov);
      if (traj_steps % 10 == 0 || traj_steps == 1) {
        const double re = solver.re_tau(), bulk = solver.bulk_velocity();
        metrics.write({{"step", solver.steps()},
                       {"trajectory", r},
                       {"t", solver.time()},
                       {"dt", info.dt},
                       {"cfl", info.cfl},
                       {"re_tau", re},
                       {"u_bulk", bulk},
                       {"forcing", solver.forcing()},
                       {"max_velocity", vmax}});
        progress.update(std::lround(1000.0 * (r * per_traj + solver.time() - t0)),
                        "traj " + std::to_string(r) + " step " + std::to_string(solver.steps()) +
                            " t=" + fmt("%.3f", solver.time()) + " dt=" + fmt("%.2e", info.dt) +
                            " CFL=" + fmt("%.2f", info.cfl) + " Re_tau=" + fmt("%.1f", re) +
                            " Ub=" + fmt("%.2f", bulk));
      }
    }
    cost.intervals += p.samples - 1;
    for (int f = 0; f < 4; ++f)
      dataset.write_slab(names[f], rank == 0 ? traj_buf.data() + f * p.samples * coarse : nullptr,
                         r, rank == 0 ? 1 : 0);
  }
  progress.finish("steps " + std::to_string(res.steps) + " Re_tau=" + fmt("%.1f", solver.re_tau()));

  write_checkpoint(res.checkpoint, solver, prov);
  stats.write(res.statistics, solver, prov);
  write_physics(dataset, solver);
  const std::string ph = h5::kPhysicsGroup;
  dataset.write_attribute(ph, "filter", std::string("box x-z, cell average y"));
  if (from_dataset) {
    dataset.write_attribute(ph, "initial_dataset", p.initial_dataset);
    dataset.write_attribute(ph, "initial_trajectory", static_cast<long long>(p.initial_trajectory));
    dataset.write_attribute(ph, "initial_step", static_cast<long long>(p.initial_step));
    dataset.write_attribute(ph, "initial_time", t_start);
  }
  // The cost: CPU seconds summed over the ranks, wall seconds of the slowest rank, of the
  // steps alone (no output, statistics or checks).
  double sums[2] = {cost.cpu, cost.sampling_cpu}, maxs[2] = {cost.wall, cost.sampling_wall};
  MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, comm);
  MPI_Allreduce(MPI_IN_PLACE, maxs, 2, MPI_DOUBLE, MPI_MAX, comm);
  const auto per = [](double x, long n) { return n > 0 ? x / static_cast<double>(n) : 0.0; };
  const double step_cpu = per(sums[0], cost.steps), step_wall = per(maxs[0], cost.steps);
  const double interval_cpu = per(sums[1], cost.intervals);
  const double interval_wall = per(maxs[1], cost.intervals);
  const double steps_per_interval = per(static_cast<double>(cost.sampling_steps), cost.intervals);
  dataset.write_attribute(ph, "cost_ranks", static_cast<long long>(size));
  dataset.write_attribute(ph, "cost_steps", static_cast<long long>(cost.steps));
  dataset.write_attribute(ph, "cost_cpu_s", sums[0]);
  dataset.write_attribute(ph, "cost_wall_s", maxs[0]);
  dataset.write_attribute(ph, "cost_cpu_s_per_step", step_cpu);
  dataset.write_attribute(ph, "cost_wall_s_per_step", step_wall);
  dataset.write_attribute(ph, "cost_intervals", static_cast<long long>(cost.intervals));
  dataset.write_attribute(ph, "cost_steps_per_interval", steps_per_interval);
  dataset.write_attribute(ph, "cost_cpu_s_per_interval", interval_cpu);
  dataset.write_attribute(ph, "cost_wall_s_per_interval", interval_wall);
  if (rank == 0)
    spdlog::info(
        "channel: cost {:.4g} s CPU ({:.4g} s wall) per sampling interval of {} ({:.1f} steps), "
        "{:.4g} s CPU ({:.4g} s wall) per step; {} steps, {:.4g} s CPU in all on {} rank(s)",
        interval_cpu, interval_wall, p.sample_interval, steps_per_interval, step_cpu, step_wall,
        cost.steps, sums[0], size);
  // Where the step's time goes (-v): collective, so every rank builds the table.
  const std::string phases = phase_table(solver.phase_times(), comm);
  if (rank == 0) spdlog::debug("{}", phases);
  dataset.write_provenance(prov);
  dataset.close();
  if (snaps) {
    write_physics(*snaps, solver);
    snaps->write_provenance(prov);
    snaps->close();
  }
  return res;
}

}  // namespace eddyop::solvers::channel
