#include "solvers/channel/grid.hpp"

#include <petscdmda.h>

#include <cmath>

#include "solvers/channel/field.hpp"
#include "solvers/petsc_error.hpp"

namespace eddyop::solvers::channel {

std::vector<double> tanh_faces(int ncy, double ly, double stretching) {
  std::vector<double> f(ncy + 1);
  for (int j = 0; j <= ncy; ++j) {
    const double s = static_cast<double>(j) / ncy;
    f[j] = stretching > 0
               ? 0.5 * ly * (1.0 + std::tanh(stretching * (2.0 * s - 1.0)) / std::tanh(stretching))
               : ly * s;
    if (j == 0) f[j] = 0.0;  // exact walls, whatever tanh rounds to
    if (j == ncy) f[j] = ly;
  }
  return f;
}

namespace {

// The DMDA of the cells: periodic in x and z, bounded in y, split into z slabs only (the FFT
// pressure solve needs whole x-y planes), with the fields' ghost width.
PetscErrorCode create_slabs(MPI_Comm comm, int nx, int ncy, int nz, int size, DM* da) {
  PetscFunctionBeginUser;
  PetscCall(DMDACreate3d(comm, DM_BOUNDARY_PERIODIC, DM_BOUNDARY_NONE, DM_BOUNDARY_PERIODIC,
                         DMDA_STENCIL_BOX, nx, ncy, nz, 1, 1, size, 1, kGhost, nullptr, nullptr,
                         nullptr, da));
  PetscCall(DMSetUp(*da));
  PetscFunctionReturn(0);
}

}  // namespace

Grid make_grid(const ChannelParams& p, MPI_Comm comm) {
  Grid g;
  g.nx = p.nx;
  g.ncy = p.ncy();
  g.nz = p.nz;
  g.lx = p.lx;
  g.ly = p.ly;
  g.lz = p.lz;
  g.dx = p.lx / p.nx;
  g.dz = p.lz / p.nz;
  const int n = g.ncy;
  const std::vector<double> f = tanh_faces(n, p.ly, p.stretching);
  g.yf.assign(n + 2, 0.0);
  g.yc.assign(n + 2, 0.0);
  g.dyf.assign(n + 2, 0.0);
  g.dyc.assign(n + 2, 0.0);
  for (int j = 0; j < n; ++j) {
    g.yf[j + 1] = f[j + 1];
    g.dyf[j + 1] = f[j + 1] - f[j];
    g.yc[j + 1] = 0.5 * (f[j] + f[j + 1]);
  }
  // Ghost cells mirror the wall cells, so that a no-slip ghost value -u[0] puts u = 0 exactly
  // on the wall.
  g.yf[0] = 0.0;
  g.dyf[0] = g.dyf[1];
  g.yc[0] = -g.yc[1];
  g.dyf[n + 1] = g.dyf[n];
  g.yc[n + 1] = 2.0 * p.ly - g.yc[n];
  g.yf[n + 1] = p.ly + g.dyf[n];
  for (int j = 0; j <= n; ++j) g.dyc[j] = g.yc[j + 1] - g.yc[j];
  g.dyc[n + 1] = g.dyc[n];

  g.comm = comm;
  MPI_Comm_rank(comm, &g.rank);
  MPI_Comm_size(comm, &g.size);
  DM da = nullptr;
  petsc_check(create_slabs(comm, g.nx, g.ncy, g.nz, g.size, &da), "channel",
              "the DMDA of the channel grid");
  g.da.reset(da, [](DM d) { DMDestroy(&d); });
  const PetscInt* lz = nullptr;
  petsc_check(DMDAGetOwnershipRanges(da, nullptr, nullptr, &lz), "channel",
              "DMDAGetOwnershipRanges");
  g.z_start.resize(g.size);
  g.z_count.resize(g.size);
  int start = 0;
  for (int r = 0; r < g.size; ++r) {
    g.z_count[r] = static_cast<int>(lz[r]);
    g.z_start[r] = start;
    start += g.z_count[r];
  }
  PetscInt xs = 0, ys = 0, zs = 0, xm = 0, ym = 0, zm = 0;
  petsc_check(DMDAGetCorners(da, &xs, &ys, &zs, &xm, &ym, &zm), "channel", "DMDAGetCorners");
  g.z0 = static_cast<int>(zs);
  g.nzl = static_cast<int>(zm);
  // The 27 neighbours, x fastest: (1, 1, 0) is the slab below, (1, 1, 2) the one above.
  const PetscMPIInt* nb = nullptr;
  petsc_check(DMDAGetNeighbors(da, &nb), "channel", "DMDAGetNeighbors");
  g.z_down = nb[1 + 3 * 1 + 9 * 0];
  g.z_up = nb[1 + 3 * 1 + 9 * 2];
  return g;
}

}  // namespace eddyop::solvers::channel
