#include "solvers/channel/grid.hpp"

#include <cmath>

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
  g.z_start.resize(g.size);
  g.z_count.resize(g.size);
  int start = 0;
  for (int r = 0; r < g.size; ++r) {
    g.z_count[r] = p.nz / g.size + (r < p.nz % g.size ? 1 : 0);
    g.z_start[r] = start;
    start += g.z_count[r];
  }
  g.z0 = g.z_start[g.rank];
  g.nzl = g.z_count[g.rank];
  return g;
}

}  // namespace eddyop::solvers::channel
