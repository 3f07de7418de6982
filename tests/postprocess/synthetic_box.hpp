// Periodic-box files with known contents for the post-processing tests, written with our HDF5
// writer: an NS2D-like vorticity dataset (sample, time, x, y) and rollouts of some of its samples
// scaled by (1 + g t), so that every error is known in closed form.
#pragma once

#include <mpi.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/hdf5/writer.hpp"

namespace eddyop::test {

struct SyntheticBox {
  std::size_t samples = 3, nt = 5, nx = 8, ny = 6;
  double dt = 0.5, length = 1.0;
  static constexpr double kPi = 3.14159265358979323846;

  double x(std::size_t i) const {
    return length * static_cast<double>(i) / static_cast<double>(nx);
  }
  double y(std::size_t j) const {
    return length * static_cast<double>(j) / static_cast<double>(ny);
  }

  // Sample s at step t: two modes whose phases move with s and t (zero mean, never zero).
  double value(std::size_t s, std::size_t t, std::size_t i, std::size_t j) const {
    const double k = 2 * kPi / length, st = static_cast<double>(s),
                 tt = 0.1 * static_cast<double>(t);
    return (1.0 + 0.2 * st) * std::sin(k * x(i) + 0.7 * st + tt) +
           0.5 * std::cos(2 * k * y(j) + 0.3 * st - tt);
  }

  // /fields/vorticity (samples, nt, nx, ny) "sample,time,x,y", float32; /grid x, y, t when
  // `coordinates`, else /physics Lx, Ly and sampling_interval.
  void write_dataset(const std::string& path, bool coordinates = true,
                     const std::string& field = "vorticity") const {
    h5::Writer out(path, "dataset", MPI_COMM_SELF);
    std::vector<float> f;
    for (std::size_t s = 0; s < samples; ++s)
      for (std::size_t t = 0; t < nt; ++t)
        for (std::size_t i = 0; i < nx; ++i)
          for (std::size_t j = 0; j < ny; ++j) f.push_back(static_cast<float>(value(s, t, i, j)));
    out.write_field(field, "sample,time,x,y", f.data(),
                    {static_cast<std::int64_t>(samples), static_cast<std::int64_t>(nt),
                     static_cast<std::int64_t>(nx), static_cast<std::int64_t>(ny)});
    write_grid(out, coordinates);
    out.write_attribute(h5::kPhysicsGroup, "nu", 1e-3);
    out.close();
  }

  // A rollout of dataset samples `ids` (root attribute trajectories), trajectory r scaled by
  // (1 + growth[r] t), stored "trajectory,time,y,x" (x fastest, unlike the dataset), float64.
  void write_rollout(const std::string& path, const std::vector<std::size_t>& ids,
                     const std::vector<double>& growth, std::size_t steps = 0,
                     std::size_t rollout_nx = 0) const {
    const std::size_t n = steps ? steps : nt, mx = rollout_nx ? rollout_nx : nx;
    h5::Writer out(path, "trajectory", MPI_COMM_SELF);
    std::vector<double> f;
    std::string list;
    for (std::size_t r = 0; r < ids.size(); ++r) {
      list += (r ? "," : "") + std::to_string(ids[r]);
      for (std::size_t t = 0; t < n; ++t)
        for (std::size_t j = 0; j < ny; ++j)
          for (std::size_t i = 0; i < mx; ++i)
            f.push_back((1.0 + growth[r] * dt * static_cast<double>(t)) *
                        value(ids[r], t, i % nx, j));
    }
    out.write_field("vorticity", "trajectory,time,y,x", f.data(),
                    {static_cast<std::int64_t>(ids.size()), static_cast<std::int64_t>(n),
                     static_cast<std::int64_t>(ny), static_cast<std::int64_t>(mx)});
    out.write_attribute(h5::kRoot, "trajectories", list);
    std::vector<double> xs(mx), ys(ny), ts(n);
    for (std::size_t i = 0; i < mx; ++i)
      xs[i] = length * static_cast<double>(i) / static_cast<double>(mx);
    for (std::size_t j = 0; j < ny; ++j) ys[j] = y(j);
    for (std::size_t t = 0; t < n; ++t) ts[t] = dt * static_cast<double>(t);
    out.write_coordinate("x", xs);
    out.write_coordinate("y", ys);
    out.write_coordinate("t", ts);
    out.close();
  }

 private:
  void write_grid(h5::Writer& out, bool coordinates) const {
    if (!coordinates) {
      out.write_attribute(h5::kPhysicsGroup, "Lx", length);
      out.write_attribute(h5::kPhysicsGroup, "Ly", length);
      out.write_attribute(h5::kPhysicsGroup, "sampling_interval", dt);
      return;
    }
    std::vector<double> xs(nx), ys(ny), ts(nt);
    for (std::size_t i = 0; i < nx; ++i) xs[i] = x(i);
    for (std::size_t j = 0; j < ny; ++j) ys[j] = y(j);
    for (std::size_t t = 0; t < nt; ++t) ts[t] = dt * static_cast<double>(t);
    out.write_coordinate("x", xs);
    out.write_coordinate("y", ys);
    out.write_coordinate("t", ts);
  }
};

}  // namespace eddyop::test
