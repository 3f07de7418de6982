// Synthetic channel trajectories with known statistics, written with our HDF5 writer in either
// storage order: laminar Poiseuille flow U = (u_τ²/ν)(y - y²/2h) plus fluctuations whose x-z means
// vanish, so Re_τ = u_τ h / ν, U_c+ = Re_τ / 2 and U_b+ = Re_τ / 3 hold exactly; a "prediction"
// is the truth times (1 + growth t), whose relative L2 error at step t is growth t.
#pragma once

#include <mpi.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/hdf5/writer.hpp"
#include "tests/postprocess/helpers.hpp"

namespace eddyop::test {

struct SyntheticChannel {
  std::size_t ntraj = 2, nt = 6, nx = 8, ny = 17, nz = 6;
  double lx = 4.0, lz = 2.0, nu = 1.0 / 180.0, u_tau = 1.0, amplitude = 2.0, dt = 0.5;
  std::vector<double> y = stretched_y(17);
  bool cell_centred = false;  // y at cell centres of [0, 2], walls not nodes (ly attribute)

  double x(std::size_t i) const { return lx * static_cast<double>(i) / static_cast<double>(nx); }
  double z(std::size_t k) const { return lz * static_cast<double>(k) / static_cast<double>(nz); }

  // Component c (0..2 velocity, 3 pressure) of trajectory r at step t.
  double value(int c, std::size_t r, std::size_t t, std::size_t i, std::size_t j,
               std::size_t k) const {
    const double pi = 3.14159265358979323846, yy = y[j];
    const double ax = 2 * pi * x(i) / lx, az = 2 * pi * z(k) / lz;
    const double tt = 0.3 * static_cast<double>(t) + static_cast<double>(r);
    const double shape = std::sin(pi * yy / 2.0);
    switch (c) {
      case 0:
        return u_tau * u_tau / nu * (yy - yy * yy / 2.0) + amplitude * std::sin(ax + tt) * shape;
      case 1:
        return amplitude * std::cos(az + tt) * shape * shape;
      case 2:
        return amplitude * std::sin(ax) * std::cos(az + tt) * shape;
      default:
        return std::cos(ax + tt) * yy;
    }
  }

  double scale(std::size_t t, double growth) const { return 1.0 + growth * static_cast<double>(t); }

  void write_grid(h5::Writer& out, bool with_x) const {
    std::vector<double> xs(nx), zs(nz);
    for (std::size_t i = 0; i < nx; ++i) xs[i] = x(i);
    for (std::size_t k = 0; k < nz; ++k) zs[k] = z(k);
    if (with_x) out.write_coordinate("x", xs);
    out.write_coordinate("y", y);
    out.write_coordinate("z", zs);
    out.write_attribute(h5::kPhysicsGroup, "nu", nu);
    out.write_attribute(h5::kPhysicsGroup, "Re_tau", u_tau / nu);
    out.write_attribute(h5::kPhysicsGroup, "Lx", lx);
    out.write_attribute(h5::kPhysicsGroup, "Lz", lz);
    if (cell_centred) out.write_attribute(h5::kPhysicsGroup, "ly", 2.0);
  }

  // u, v, w, p with axes "trajectory,time,x,y,z" (z fastest), float32, times in /grid/t.
  void write_truth(const std::string& path, double growth = 0.0, bool pressure = true) const {
    h5::Writer out(path, "trajectory", MPI_COMM_SELF);
    const h5::Shape shape{static_cast<std::int64_t>(ntraj), static_cast<std::int64_t>(nt),
                          static_cast<std::int64_t>(nx), static_cast<std::int64_t>(ny),
                          static_cast<std::int64_t>(nz)};
    const char* names[4] = {"u", "v", "w", "p"};
    for (int c = 0; c < (pressure ? 4 : 3); ++c) {
      std::vector<float> f;
      for (std::size_t r = 0; r < ntraj; ++r)
        for (std::size_t t = 0; t < nt; ++t)
          for (std::size_t i = 0; i < nx; ++i)
            for (std::size_t j = 0; j < ny; ++j)
              for (std::size_t k = 0; k < nz; ++k)
                f.push_back(static_cast<float>(scale(t, growth) * value(c, r, t, i, j, k)));
      out.write_field(names[c], "trajectory,time,x,y,z", f.data(), shape);
    }
    std::vector<double> times(nt);
    for (std::size_t t = 0; t < nt; ++t) times[t] = dt * static_cast<double>(t);
    out.write_coordinate("t", times);
    write_grid(out, true);
    out.close();
  }

  // Trajectory `r` times (1 + growth t) as one `velocity` "time,c,z,y,x" (x fastest) and p
  // "time,z,y,x", float64, times from /physics sampling_interval, no /grid/x.
  void write_prediction(const std::string& path, double growth, std::size_t r = 0) const {
    h5::Writer out(path, "trajectory", MPI_COMM_SELF);
    std::vector<double> v, p;
    for (std::size_t t = 0; t < nt; ++t) {
      for (int c = 0; c < 3; ++c)
        for (std::size_t k = 0; k < nz; ++k)
          for (std::size_t j = 0; j < ny; ++j)
            for (std::size_t i = 0; i < nx; ++i)
              v.push_back(scale(t, growth) * value(c, r, t, i, j, k));
      for (std::size_t k = 0; k < nz; ++k)
        for (std::size_t j = 0; j < ny; ++j)
          for (std::size_t i = 0; i < nx; ++i)
            p.push_back(scale(t, growth) * value(3, r, t, i, j, k));
    }
    const auto T = static_cast<std::int64_t>(nt), X = static_cast<std::int64_t>(nx),
               Y = static_cast<std::int64_t>(ny), Z = static_cast<std::int64_t>(nz);
    out.write_field("velocity", "time,c,z,y,x", v.data(), {T, 3, Z, Y, X});
    out.write_field("p", "time,z,y,x", p.data(), {T, Z, Y, X});
    out.write_attribute(h5::kPhysicsGroup, "sampling_interval", dt);
    write_grid(out, false);
    out.close();
  }
};

// Width and height of a PNG from its IHDR chunk; {0, 0} when the file is not a PNG.
inline std::pair<unsigned, unsigned> png_size(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return {0, 0};
  unsigned char h[24] = {};
  const std::size_t n = std::fread(h, 1, 24, f);
  std::fclose(f);
  const unsigned char sig[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
  if (n < 24 || !std::equal(sig, sig + 8, h)) return {0, 0};
  auto be = [&](int o) {
    return (unsigned{h[o]} << 24) | (unsigned{h[o + 1]} << 16) | (unsigned{h[o + 2]} << 8) |
           unsigned{h[o + 3]};
  };
  return {be(16), be(20)};
}

}  // namespace eddyop::test
