// A scalar field on this rank's z slab with ghost layers: two in x and z (the dynamic model's
// test filter reads gradients one cell away, which read velocities one more cell away) and one
// in y (the wall ghosts).
//
// Storage (nzl + 4, ncy + 2, nx + 4), x fastest: at(i, j, k) for i in [-2, nx+1], j in [-1, ncy],
// k in [-2, nzl+1].
#pragma once

#include <initializer_list>
#include <vector>

#include "solvers/channel/grid.hpp"

namespace eddyop::solvers::channel {

inline constexpr int kGhost = 2;

// What a field's wall ghosts hold.
enum class Wall {
  odd,     // u, w: ghost = -interior, zero on the wall (no slip)
  normal,  // v: v[-1] = v[ncy-1] = 0 are the walls; the ghost above mirrors (even)
  even,    // p, nu_t: ghost = interior (zero normal gradient)
  none     // left as they are
};

struct Field {
  int nx = 0, ncy = 0, nzl = 0;
  long sy = 0, sz = 0;  // strides of j and k
  std::vector<double> data;

  Field() = default;
  explicit Field(const Grid& g)
      : nx(g.nx),
        ncy(g.ncy),
        nzl(g.nzl),
        sy(g.nx + 2 * kGhost),
        sz((g.ncy + 2) * (g.nx + 2L * kGhost)),
        data(static_cast<std::size_t>((g.nzl + 2 * kGhost) * sz), 0.0) {}

  long index(int i, int j, int k) const { return (k + kGhost) * sz + (j + 1) * sy + i + kGhost; }
  double& operator()(int i, int j, int k) { return data[index(i, j, k)]; }
  double operator()(int i, int j, int k) const { return data[index(i, j, k)]; }
  double* row(int j, int k) { return data.data() + index(0, j, k); }
  const double* row(int j, int k) const { return data.data() + index(0, j, k); }
};

// Fills the ghosts: periodic x, the wall ghosts of `wall`, and the z halo from the
// neighbouring ranks (periodic). Collective over g.comm.
void update_halo(Field& f, const Grid& g, Wall wall);

// Periodic x and the wall ghosts only: the z ghost planes are left as they are.
void update_halo_local(Field& f, Wall wall);

// The same for several fields at once, their z planes exchanged together (one synchronisation
// instead of one per field). At most kMaxHaloFields fields.
struct HaloField {
  Field* field;
  Wall wall;
};
inline constexpr int kMaxHaloFields = 4;
void update_halos(std::initializer_list<HaloField> fields, const Grid& g);

// The same in two halves, so that work on planes that need no z ghosts can overlap the
// exchange: begin_halos fills the x ghosts and the interior planes' wall ghosts and posts the
// plane messages; end_halos waits for them and fills the ghost planes' wall ghosts. Between the
// two the fields' boundary and ghost planes must not be written, nor their ghosts read.
struct HaloExchange {
  HaloField fields[kMaxHaloFields];
  MPI_Request req[4 * kMaxHaloFields];
  int nfields = 0, nreq = 0;
};
void begin_halos(HaloExchange& x, std::initializer_list<HaloField> fields, const Grid& g);
void end_halos(HaloExchange& x);

// The interior as a compact (nzl, ncy, nx) array and back.
void copy_interior(std::vector<double>& out /* (nzl, ncy, nx) */, const Field& f);
void set_interior(Field& f, const std::vector<double>& in /* (nzl, ncy, nx) */);

}  // namespace eddyop::solvers::channel
