// The staggered (MAC) grid of the channel and its z-slab decomposition.
//
// Cells: i = 0..nx-1 (x), j = 0..ncy-1 (y, ncy = ny - 1), k = 0..nz-1 (z). As in CaNS, u[i] sits
// on the right x-face of cell i, v[j] on the top y-face of cell j (v[-1] and v[ncy-1] are the
// walls), w[k] on the top z-face of cell k, p at cell centres. x and z are uniform; y is tanh
// stretched, with faces yf[j] (top of cell j, yf[-1] = 0) and centres yc[j].
//
// Each rank holds the z planes [z0, z0 + nzl) with every x and y (a z slab); the pressure solve
// transposes to slabs of x wavenumbers for its z FFTs and y solves (poisson.hpp). The slabs are
// those of a PETSc DMDA (periodic x and z, walls in y, 1 × 1 × P processes, stencil width
// kGhost), which the grid keeps for PETSc-side tools.
#pragma once

#include <mpi.h>
#include <petscdm.h>

#include <memory>
#include <type_traits>
#include <vector>

#include "solvers/channel/params.hpp"

namespace eddyop::solvers::channel {

struct Grid {
  int nx = 0, ncy = 0, nz = 0;  // global cells
  double lx = 0, ly = 0, lz = 0, dx = 0, dz = 0;
  // y metrics with one ghost cell each side: index j + 1 for j = -1..ncy.
  std::vector<double> yf;   // top face of cell j; yf[-1] = 0, yf[ncy-1] = ly
  std::vector<double> yc;   // centre of cell j; ghosts mirrored about the walls
  std::vector<double> dyf;  // width of cell j (ghosts: mirror of the first/last cell)
  std::vector<double> dyc;  // yc[j+1] - yc[j], the spacing around face j

  MPI_Comm comm = MPI_COMM_SELF;
  int rank = 0, size = 1;
  int z0 = 0, nzl = 0;                // this rank's z planes
  std::vector<int> z_start, z_count;  // every rank's planes
  int z_down = 0, z_up = 0;           // the ranks of the slabs below and above (periodic)
  // The DMDA the slabs come from (shared by copies of the grid, destroyed with the last).
  std::shared_ptr<std::remove_pointer_t<DM>> da;

  // Accessors with the ghost offset applied.
  double Yf(int j) const { return yf[j + 1]; }
  double Yc(int j) const { return yc[j + 1]; }
  double Dyf(int j) const { return dyf[j + 1]; }
  double Dyc(int j) const { return dyc[j + 1]; }
  long cells() const { return static_cast<long>(nx) * ncy * nz; }
};

// y faces of the tanh grid: yf(s) = ly/2 (1 + tanh(β(2s - 1)) / tanh β), s = j / ncy.
std::vector<double> tanh_faces(int ncy, double ly, double stretching);  // (ncy + 1), from 0

// Builds the grid for `p` split over `comm` by a DMDA (PETSc's ownership rule: the first
// nz % size ranks get one plane more). Collective; PETSc must be initialised.
Grid make_grid(const ChannelParams& p, MPI_Comm comm);

}  // namespace eddyop::solvers::channel
