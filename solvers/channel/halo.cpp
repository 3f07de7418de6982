// Ghost layers: periodic x by copies, walls by their boundary conditions, z by exchanging
// kGhost planes with the neighbouring slabs (a plane is contiguous, so one message each way).
#include <algorithm>
#include <cassert>

#include "solvers/channel/field.hpp"

namespace eddyop::solvers::channel {

namespace {

void wall_ghosts(Field& f, Wall wall, int k_begin, int k_end) {
  const int n = f.ncy;
  for (int k = k_begin; k < k_end; ++k) {
    double* lo = f.row(-1, k);
    double* top = f.row(n, k);
    const double* first = f.row(0, k);
    const double* last = f.row(n - 1, k);
    for (int i = -kGhost; i < f.nx + kGhost; ++i) {
      switch (wall) {
        case Wall::odd:
          lo[i] = -first[i];
          top[i] = -last[i];
          break;
        case Wall::even:
          lo[i] = first[i];
          top[i] = last[i];
          break;
        case Wall::normal:
          lo[i] = 0.0;
          f.row(n - 1, k)[i] = 0.0;
          top[i] = f.row(n - 2, k)[i];
          break;
        case Wall::none:
          break;
      }
    }
  }
}

void periodic_x(Field& f) {
  const int nx = f.nx;
  for (int k = 0; k < f.nzl; ++k)
    for (int j = -1; j <= f.ncy; ++j) {
      double* r = f.row(j, k);
      r[-2] = r[nx - 2];
      r[-1] = r[nx - 1];
      r[nx] = r[0];
      r[nx + 1] = r[1];
    }
}

}  // namespace

void update_halo_local(Field& f, Wall wall) {
  periodic_x(f);
  wall_ghosts(f, wall, -kGhost, f.nzl + kGhost);
}

void begin_halos(HaloExchange& x, std::initializer_list<HaloField> fields, const Grid& g) {
  assert(fields.size() <= static_cast<std::size_t>(kMaxHaloFields));
  x.nfields = 0;
  x.nreq = 0;
  for (const HaloField& h : fields) x.fields[x.nfields++] = h;
  // Periodic x and the wall ghosts of the interior planes first: the planes sent carry them,
  // and a send buffer must not change while it is in flight.
  for (const HaloField& h : fields) {
    periodic_x(*h.field);
    wall_ghosts(*h.field, h.wall, 0, h.field->nzl);
  }
  if (g.size == 1) {
    for (const HaloField& h : fields) {
      Field& f = *h.field;
      double* base = f.data.data();
      auto at_plane = [&](int k) { return base + (k + kGhost) * f.sz; };
      std::copy(at_plane(f.nzl - kGhost), at_plane(f.nzl), at_plane(-kGhost));
      std::copy(at_plane(0), at_plane(kGhost), at_plane(f.nzl));
    }
    return;
  }
  // Every field's planes in flight at once: one synchronisation for all of them.
  const int up = g.z_up, down = g.z_down;
  int tag = 0;
  for (const HaloField& h : fields) {
    Field& f = *h.field;
    double* base = f.data.data();
    auto at_plane = [&](int k) { return base + (k + kGhost) * f.sz; };
    const int count = static_cast<int>(kGhost * f.sz);
    // Top planes go up into the neighbour's lower ghosts, and the other way round.
    MPI_Irecv(at_plane(-kGhost), count, MPI_DOUBLE, down, 20 + tag, g.comm, &x.req[x.nreq++]);
    MPI_Irecv(at_plane(f.nzl), count, MPI_DOUBLE, up, 21 + tag, g.comm, &x.req[x.nreq++]);
    MPI_Isend(at_plane(f.nzl - kGhost), count, MPI_DOUBLE, up, 20 + tag, g.comm, &x.req[x.nreq++]);
    MPI_Isend(at_plane(0), count, MPI_DOUBLE, down, 21 + tag, g.comm, &x.req[x.nreq++]);
    tag += 2;
  }
}

void end_halos(HaloExchange& x) {
  if (x.nreq > 0) MPI_Waitall(x.nreq, x.req, MPI_STATUSES_IGNORE);
  x.nreq = 0;
  for (int q = 0; q < x.nfields; ++q) {
    Field& f = *x.fields[q].field;
    wall_ghosts(f, x.fields[q].wall, -kGhost, 0);
    wall_ghosts(f, x.fields[q].wall, f.nzl, f.nzl + kGhost);
  }
  x.nfields = 0;
}

void update_halos(std::initializer_list<HaloField> fields, const Grid& g) {
  HaloExchange x;
  begin_halos(x, fields, g);
  end_halos(x);
}

void update_halo(Field& f, const Grid& g, Wall wall) {
  update_halos({{&f, wall}}, g);
}

void copy_interior(std::vector<double>& out, const Field& f) {
  out.resize(static_cast<std::size_t>(f.nzl) * f.ncy * f.nx);
  for (int k = 0; k < f.nzl; ++k)
    for (int j = 0; j < f.ncy; ++j)
      std::copy(f.row(j, k), f.row(j, k) + f.nx,
                out.begin() + (static_cast<long>(k) * f.ncy + j) * f.nx);
}

void set_interior(Field& f, const std::vector<double>& in) {
  for (int k = 0; k < f.nzl; ++k)
    for (int j = 0; j < f.ncy; ++j)
      std::copy(in.begin() + (static_cast<long>(k) * f.ncy + j) * f.nx,
                in.begin() + (static_cast<long>(k) * f.ncy + j + 1) * f.nx, f.row(j, k));
}

}  // namespace eddyop::solvers::channel
