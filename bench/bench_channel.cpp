// CPU seconds per grid point per RK3 step of the channel solver, at 32 × 33 × 32 and
// 64 × 65 × 64, with no model, WALE and dynamic Smagorinsky, one rank (or all ranks of
// mpiexec). A turbulent-like state (laminar + strong trip, a few steps) is timed, so that every
// branch does real work. The last line is `seconds_per_point_step <x>` for 64 × 65 × 64, no
// model. Peer: CaNS 1.0–1.3e-7 on this kind of machine (../shared/solvers/channel.md).
#include <mpi.h>
#include <petscsys.h>

#include <cstdio>
#include <ctime>
#include <string>

#include "solvers/channel/solver.hpp"

using namespace eddyop::solvers::channel;

namespace {

double cpu_seconds() {
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

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
  return per;
}

}  // namespace

int main(int argc, char** argv) {
  PetscInitialize(&argc, &argv, nullptr, nullptr);
  double last = 0.0;
  for (int n : {32, 64})
    for (SgsModel m : {SgsModel::none, SgsModel::wale, SgsModel::dynamic_smagorinsky}) {
      const double r = measure(n, n + 1, n, m, n == 32 ? 60 : 20);
      if (n == 64 && m == SgsModel::none) last = r;
    }
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) std::printf("seconds_per_point_step %.4e\n", last);
  PetscFinalize();
  return 0;
}
