// A channel dataset or trajectory in our HDF5 layout (docs/data-format.md), read into the
// post-processing arrays a slab at a time.
//
// Accepted fields: u, v, w (and p) as separate datasets, or one `velocity` with a component axis
// ("c", "component" or "comp", extent 3) and an optional `p`/`pressure`. The `axes` attribute names
// every axis: leading (sample-like) axes first — any names, e.g. "trajectory,time" or "sample" —
// then x, y, z (and the component axis) in any order, so both z-fastest and x-fastest storage
// read the same. A leading axis named "time", "t" or "step" is the time axis; with one leading
// axis of another name that axis is taken as time for rollout errors.
//
// Output arrays are the canonical ones of grid.hpp: velocity (n, 3, nx, ny, nz), pressure
// (n, nx, ny, nz), z fastest, where n counts the samples (all leading axes flattened, C order).
//
// Grid: /grid/y is required; /grid/x and /grid/z, when present, must be uniform (periodic:
// L = n dx); /physics Lx, Lz (or lx, lz) give or check the periods. The walls: /physics y_bottom
// and y_top when present; else, when /physics ly (or Ly) is given and the first y node is not at a
// wall, the walls of [0, ly] or [-ly/2, ly/2] (whichever holds the nodes: a cell-centred grid);
// else the first and last y nodes. /physics nu is required; Re_tau is read when present.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "postprocess/channel_stats.hpp"
#include "postprocess/grid.hpp"

namespace eddyop::postprocess {

class ChannelSource {
 public:
  // Opens and validates `path` (fields, axes, shapes, grid, physics); nothing is read yet.
  // Errors name the file and what is missing or different.
  explicit ChannelSource(std::string path);

  const std::string& path() const { return path_; }
  const RectGrid& grid() const { return grid_; }
  ChannelStatsOptions stats_options() const { return stats_options_; }
  double nu() const { return stats_options_.nu; }
  double re_tau_nominal() const { return re_tau_; }  // /physics Re_tau, NaN when absent
  bool has_pressure() const { return !pressure_.name.empty(); }
  const std::string& kind() const { return kind_; }

  // The leading axes, their names and extents; samples() is their product (1 when none).
  const std::vector<std::string>& leading_axes() const { return leading_names_; }
  const std::vector<std::size_t>& leading_shape() const { return leading_shape_; }
  std::size_t samples() const;
  // Slabs along the first leading axis (the unit of reading) and samples in each.
  std::size_t slabs() const { return leading_shape_.empty() ? 1 : leading_shape_[0]; }
  std::size_t samples_per_slab() const { return samples() / slabs(); }

  // The time axis among the leading axes (-1: none), the steps along it and their times
  // (/grid/t or /grid/time, else /physics sampling_interval times the index, else the index).
  int time_axis() const { return time_axis_; }
  std::size_t steps() const;
  const std::vector<double>& times() const { return times_; }
  // The time of sample `s` (< samples_per_slab()) of slab `slab`; NaN without a time axis.
  double sample_time(std::size_t slab, std::size_t s) const;

  // Trajectories for read_steps: the extent of the leading axis before time (1 when time leads).
  std::size_t trajectories() const;

  // Samples of slabs [first, first + count): velocity (n, 3, nx, ny, nz) and, when `pressure` is
  // not null and the file has a pressure, pressure (n, nx, ny, nz). Data of either float type.
  void read(std::vector<double>& velocity, std::vector<double>* pressure, std::size_t first,
            std::size_t count) const;

  // Steps [t0, t0 + n) of one trajectory: velocity (n, 3, nx, ny, nz), pressure (n, nx, ny, nz).
  // Needs leading axes (time) or (trajectory, time); with the latter, the whole trajectory is
  // read once and kept for the following calls.
  void read_steps(std::vector<double>& velocity, std::vector<double>* pressure,
                  std::size_t trajectory, std::size_t t0, std::size_t n) const;

  // Throws unless `other` has the same grid (sizes, y nodes, periods), naming what differs.
  void expect_same_grid(const ChannelSource& other) const;

 private:
  enum class Role { leading, component, x, y, z };
  struct Part {
    std::string name;  // the dataset in /fields
    std::vector<std::size_t> shape;
    std::vector<Role> roles;
  };
  void permute_into(const std::vector<double>& in, std::size_t count0, const Part& part,
                    double* out, std::size_t sample_stride, std::size_t offset) const;

  std::string path_, kind_;
  RectGrid grid_;
  ChannelStatsOptions stats_options_;
  double re_tau_ = std::numeric_limits<double>::quiet_NaN();
  std::vector<Part> velocity_;  // u, v, w or one `velocity`
  Part pressure_;               // empty name: none
  std::vector<std::string> leading_names_;
  std::vector<std::size_t> leading_shape_;
  int time_axis_ = -1;
  std::vector<double> times_;
  mutable std::size_t cached_trajectory_ = static_cast<std::size_t>(-1);
  mutable std::vector<double> cached_velocity_, cached_pressure_;
};

}  // namespace eddyop::postprocess
