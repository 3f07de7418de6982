// CPU seconds per grid point per RK3 step of the channel solver, at 32 × 33 × 32 and
// 64 × 65 × 64, with no model, WALE and dynamic Smagorinsky, one rank (or all ranks of
// mpiexec). A turbulent-like state (laminar + strong trip, a few steps) is timed, so that every
// branch does real work. The last line is `seconds_per_point_step <x>` for 64 × 65 × 64, no
// model. Peer: CaNS 1.0–1.3e-7 on this kind of machine (../shared/solvers/channel.md).
//
// `bench_channel --case cases/channel180-les-coarse-wale.yaml --out runs/x` instead runs a
// case's generation (the validation runs of docs/validation/channel.md) until the command line
// dispatches channel cases itself.
//
// Options for the step benchmark: `--n 64` (one size), `--model none|wale|dynamic_smagorinsky`
// (one model), `--steps S` (timed steps), `--phases` (the per-phase table of the timed steps,
// milliseconds per step, mean / slowest / fastest rank).
#include <mpi.h>
#include <petscsys.h>

#include <cstdio>
#include <ctime>
#include <string>

#include "core/config.hpp"
#include "solvers/channel/run.hpp"
#include "solvers/channel/solver.hpp"

using namespace eddyop::solvers::channel;

namespace {

double cpu_seconds() {
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

bool g_phases = false;

double measure(int nx, int ny, int nz, SgsModel model, int steps) {
  ChannelParams p;
  p.nx = nx;
  p.ny = ny;
  p.nz = nz;
  p.sgs = model;
  p.fftw_planner = "measure";
  p.out_nx = 1;
  p.out_ny = 2;
  p.out_nz = 1;
  ChannelSolver s(p, MPI_COMM_WORLD);
  s.set_laminar_with_trip(dean_bulk_velocity(p.re_tau), 1, 0.5);
  for (int k = 0; k < 3; ++k) s.step();  // warm caches and the trip's first transient
  MPI_Barrier(MPI_COMM_WORLD);
  const PhaseTimes before = s.phase_times();
  const double c0 = cpu_seconds();
  const double w0 = MPI_Wtime();
  for (int k = 0; k < steps; ++k) s.step();
  double cpu = cpu_seconds() - c0;
  const double wall = MPI_Wtime() - w0;
  MPI_Allreduce(MPI_IN_PLACE, &cpu, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  const double per = cpu / steps / s.grid().cells();
  if (s.grid().rank == 0)
    std::printf("channel %3d x %3d x %3d  %-20s  %8.4f s/step wall  %.3e CPU s/point/step\n", nx,
                ny, nz, sgs_name(model), wall / steps, per);
  if (g_phases) {
    PhaseTimes timed = s.phase_times();
    for (int q = 0; q < static_cast<int>(Phase::count); ++q) timed.seconds[q] -= before.seconds[q];
    timed.steps -= before.steps;
    const std::string table = phase_table(timed, MPI_COMM_WORLD);
    if (s.grid().rank == 0) std::printf("%s\n", table.c_str());
  }
  return per;
}

}  // namespace

int run_case(const std::string& file, const std::string& out) {
  eddyop::config::Section root("case file", "channel case");
  eddyop::config::Section c("case", "case");
  c.add_string("name", "", "name");
  c.add_string("description", "", "description");
  c.add_int("seed", 0, "seed");
  c.add_string("out", "", "run directory");
  root.add_section(c);
  root.add_section(channel_section());
  const auto cs = eddyop::config::Case::load(file, root);
  const auto res = run_channel(cs, out, MPI_COMM_WORLD);
  std::printf("steps %ld dataset %s statistics %s\n", res.steps, res.dataset.c_str(),
              res.statistics.c_str());
  return 0;
}

int main(int argc, char** argv) {
  PetscInitialize(&argc, &argv, nullptr, nullptr);
  if (argc >= 5 && std::string(argv[1]) == "--case") {
    const int rc = run_case(argv[2], argv[4]);
    PetscFinalize();
    return rc;
  }
  int only_n = 0, steps = 0;
  std::string only_model;
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    if (arg == "--phases") {
      g_phases = true;
    } else if (arg == "--n" && a + 1 < argc) {
      only_n = std::stoi(argv[++a]);
    } else if (arg == "--model" && a + 1 < argc) {
      only_model = argv[++a];
    } else if (arg == "--steps" && a + 1 < argc) {
      steps = std::stoi(argv[++a]);
    } else {
      std::fprintf(stderr, "bench_channel: unknown option %s\n", arg.c_str());
      PetscFinalize();
      return 2;
    }
  }
  double last = 0.0;
  for (int n : {32, 64})
    for (SgsModel m : {SgsModel::none, SgsModel::wale, SgsModel::dynamic_smagorinsky}) {
      if ((only_n > 0 && n != only_n) || (!only_model.empty() && only_model != sgs_name(m)))
        continue;
      const double r = measure(n, n + 1, n, m, steps > 0 ? steps : n == 32 ? 60 : 20);
      if (n == 64 && m == SgsModel::none) last = r;
    }
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) std::printf("seconds_per_point_step %.4e\n", last);
  PetscFinalize();
  return 0;
}
