// Starting a channel run from a snapshot of a coarse dataset (ours: cell-centred, box-filtered
// u, v, w, p with axes (trajectory, time, x, y, z), /grid/x, y_face, z, t, /physics lx, ly, lz,
// as run_channel writes it), so that an LES starts from the same field as a filtered-DNS
// trajectory that it is compared with.
//
// The snapshot's values are cell averages: x and z cells uniform with centres (I + ½) L / N,
// y cells between /grid/y_face[J] and y_face[J + 1]. They are mapped axis by axis onto the
// positions where the solver stores each component (u on x-faces, v on y-faces, w on z-faces,
// p at centres):
//
//   solver as fine as the data or finer along an axis: linear interpolation between the data's
//     cell centres to the target positions (periodic in x and z; in y, u, v, w go to 0 at the
//     walls and p keeps its first/last value). On the data's own grid this is the natural
//     placement: centre values copied, a face value the mean of its two cells (in y weighted
//     by distance);
//   solver coarser: the average of the piecewise-constant data over the solver's control
//     volume (its cell for centre values; for a face value the interval between the two
//     adjacent solver centres), i.e. a box filter to the solver's resolution.
//
// The mapped velocity is then projected (discrete divergence at round-off); p is kept.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "solvers/channel/params.hpp"
#include "solvers/channel/solver.hpp"

namespace eddyop::solvers::channel {

// One snapshot of a coarse dataset: fields (nx, ncy, nz), z fastest, in float64.
struct DatasetSnapshot {
  std::string path;
  int nx = 0, ncy = 0, nz = 0;
  int trajectories = 0, times = 0;  // extents of the dataset's leading axes
  double lx = 0, ly = 0, lz = 0;
  std::vector<double> y_face;      // (ncy + 1), wall to wall
  double time = 0.0;               // /grid/t of the snapshot (step × sampling_interval without it)
  double sampling_interval = 0.0;  // /physics of the dataset; 0 when absent
  std::vector<double> u, v, w, p;
};

// Checks initial_dataset against p before anything is allocated: that the file is a dataset
// with u, v, w, p of axes (trajectory, time, x, y, z) and equal shapes, that trajectories
// initial_trajectory .. initial_trajectory + trajectories - 1 and time index initial_step exist,
// and that its box (lx, ly, lz) and grid coordinates match. Throws eddyop::Error naming the
// file, the dataset and what was expected. Reads only metadata; returns the snapshot's time
// (/grid/t[initial_step]).
double check_initial_dataset(const ChannelParams& p);

// Reads trajectory `trajectory` at time index p.initial_step of p.initial_dataset (checked as
// above).
DatasetSnapshot read_dataset_snapshot(const ChannelParams& p, int trajectory);

// A one-dimensional map: target t = sum of weight * data[index] over rows[t].
using AxisMap = std::vector<std::vector<std::pair<int, double>>>;

// Uniform periodic axis of `n_data` data cells onto `n` solver cells: targets at the cell
// centres (i + ½)Δ, or (face) at the right faces (i + 1)Δ.
AxisMap periodic_map(int n_data, int n, bool face);
// Wall-bounded y: data cells between `data_faces` (N + 1) onto solver cells between
// `faces` (n + 1): targets at the cell centres (n), or (face) at the interior faces 1..n-1
// (n - 1). `zero_wall`: the value is 0 on the walls (velocity); else constant extrapolation.
AxisMap wall_map(const std::vector<double>& data_faces, const std::vector<double>& faces, bool face,
                 bool zero_wall);

// Maps the snapshot onto the solver's staggered grid (this rank's z slab), without projecting:
// u, v, w, p interiors (nzl, ncy, nx) as ChannelSolver::set_state takes them (v = 0 on the
// walls). Collective only in that it reads nothing from other ranks.
void map_snapshot(const DatasetSnapshot& snap, const ChannelSolver& s, std::vector<double>& u,
                  std::vector<double>& v, std::vector<double>& w, std::vector<double>& p);

// map_snapshot, set_state at the snapshot's time, project. Collective.
void set_state_from_snapshot(ChannelSolver& s, const DatasetSnapshot& snap);

}  // namespace eddyop::solvers::channel
