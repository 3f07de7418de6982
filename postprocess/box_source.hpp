// A periodic-box dataset or trajectory in our HDF5 layout (docs/data-format.md) — the NS2D
// vorticity, a 3-D periodic velocity, any field on a uniform periodic 1-D/2-D/3-D grid — read
// into the post-processing arrays one trajectory at a time.
//
// Fields: every /fields dataset whose axes are leading axes followed by spatial axes (x, y, z:
// the same ones for every field, in any order) and at most one component axis ("c",
// "component", "comp"). Each scalar field is one channel; a field with a component axis gives
// one channel per component (named u, v, w for a 2- or 3-component `velocity`, else
// <name>_<i>).
//
// Leading axes (at most two): (trajectory, time) — "trajectory,time", "sample,time" — gives
// trajectories of several steps; a lone axis named "time", "t" or "step" is one trajectory;
// a lone axis of another name ("sample") makes each sample a trajectory of one step.
//
// Grid: per spatial axis, /grid/<axis> (uniform; the period is n dx, the origin its first node),
// else /physics L<axis> or l<axis> (origin 0), else the unit period. Times: /grid/t or /grid/time,
// else /physics sampling_interval or record_interval times the index, else the index.
//
// Output arrays: (n, C, nx, ny, nz) doubles, z fastest; an axis the file lacks has extent 1.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "postprocess/grid.hpp"

namespace eddyop::postprocess {

class BoxSource {
 public:
  // Opens and validates `path`; nothing is read yet. Errors name the file and what is wrong.
  explicit BoxSource(std::string path);

  const std::string& path() const { return path_; }
  const RectGrid& grid() const { return grid_; }
  int dimension() const { return dimension_; }  // number of spatial axes in the file (1..3)
  const std::vector<std::string>& spatial_axes() const { return spatial_names_; }  // x, y, z order

  // One name per channel (C), and the fields they come from with their first channel.
  const std::vector<std::string>& channels() const { return channels_; }
  struct Field {
    std::string name;
    std::size_t first = 0, count = 1;  // channels [first, first + count)
  };
  const std::vector<Field>& fields() const { return fields_; }

  std::size_t trajectories() const { return trajectories_; }
  std::size_t steps() const { return steps_; }
  bool has_time_axis() const { return has_time_; }
  const std::vector<double>& times() const { return times_; }  // (steps)
  // The root attribute `trajectories` (a rollout's dataset samples, "32,33"), one per trajectory;
  // empty when the file has none.
  const std::vector<long long>& trajectory_ids() const { return ids_; }

  // Steps [t0, t0 + n) of one trajectory: (n, C, nx, ny, nz). The whole trajectory is read once
  // and kept for the next call.
  void read_steps(std::vector<double>& out, std::size_t trajectory, std::size_t t0,
                  std::size_t n) const;

  // The index of channel `name`, or size_t(-1) when the file has none.
  std::size_t channel_index(const std::string& name) const;

  // Throws unless `other` has the same grid (spatial axes, sizes, periods), naming what differs.
  void expect_same_grid(const BoxSource& other) const;

 private:
  struct Part {
    std::string name;
    std::vector<std::size_t> shape;  // full shape in the file
    std::size_t leading = 0;         // number of leading axes
    int component_axis = -1;         // in the full shape
    std::vector<int> spatial_role;   // per full axis: 0/1/2 for x/y/z, -1 otherwise
  };
  void load(std::size_t trajectory) const;

  std::string path_;
  RectGrid grid_;
  int dimension_ = 0;
  std::vector<std::string> spatial_names_, channels_;
  std::vector<Field> fields_;
  std::vector<Part> parts_;
  std::size_t trajectories_ = 1, steps_ = 1;
  bool has_time_ = false;
  int leading_count_ = 0;
  bool sample_axis_ = false;  // one leading axis that is not time: a trajectory per sample
  std::vector<double> times_;
  std::vector<long long> ids_;
  mutable std::size_t cached_ = static_cast<std::size_t>(-1);
  mutable std::vector<double> cache_;  // (steps, C, nx, ny, nz)
};

// Reads the root attribute `trajectories` of `path` ("2,5,7": a rollout's dataset samples);
// empty when absent.
std::vector<long long> read_trajectory_ids(const std::string& path);

}  // namespace eddyop::postprocess
