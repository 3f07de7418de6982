#include "solvers/channel/output.hpp"

#include <mpi.h>

#include "core/error.hpp"
#include "core/hdf5/reader.hpp"

namespace eddyop::solvers::channel {

namespace {

// Cell-centred u, v, w, p of the local slab, (4, nzl, ncy, nx).
std::vector<double> local_centres(const ChannelSolver& s) {
  const Grid& g = s.grid();
  const Field &u = s.u(), &v = s.v(), &w = s.w(), &p = s.p();
  const long n = static_cast<long>(g.nzl) * g.ncy * g.nx;
  std::vector<double> c(4 * n);
  for (int k = 0; k < g.nzl; ++k)
    for (int j = 0; j < g.ncy; ++j)
      for (int i = 0; i < g.nx; ++i) {
        const long q = (static_cast<long>(k) * g.ncy + j) * g.nx + i;
        c[q] = 0.5 * (u(i, j, k) + u(i - 1, j, k));
        c[n + q] = 0.5 * (v(i, j, k) + v(i, j - 1, k));
        c[2 * n + q] = 0.5 * (w(i, j, k) + w(i, j, k - 1));
        c[3 * n + q] = p(i, j, k);
      }
  return c;
}

}  // namespace

void write_physics(h5::Writer& out, const ChannelSolver& s) {
  const ChannelParams& p = s.params();
  const Grid& g = s.grid();
  const std::string ph = h5::kPhysicsGroup;
  out.write_attribute(ph, "Re_tau", p.re_tau);
  out.write_attribute(ph, "nu", p.nu());
  out.write_attribute(ph, "forcing", std::string(forcing_name(p.forcing)));
  out.write_attribute(ph, "sgs_model", std::string(sgs_name(p.sgs)));
  out.write_attribute(ph, "cs", p.cs);
  out.write_attribute(ph, "cw", p.cw);
  out.write_attribute(ph, "van_driest_a", p.van_driest_a);
  out.write_attribute(ph, "dt", s.last_dt());
  out.write_attribute(ph, "cfl", p.cfl);
  out.write_attribute(ph, "sampling_interval", p.sample_interval);
  out.write_attribute(ph, "time", s.time());
  out.write_attribute(ph, "steps", static_cast<long long>(s.steps()));
  out.write_attribute(ph, "lx", g.lx);
  out.write_attribute(ph, "ly", g.ly);
  out.write_attribute(ph, "lz", g.lz);
  out.write_attribute(ph, "nx", static_cast<long long>(g.nx));
  out.write_attribute(ph, "ny", static_cast<long long>(g.ncy + 1));
  out.write_attribute(ph, "nz", static_cast<long long>(g.nz));
  out.write_attribute(ph, "stretching", p.stretching);
}

void write_checkpoint(const std::string& path, const ChannelSolver& s, const Provenance& prov) {
  const Grid& g = s.grid();
  std::vector<double> f[4];
  s.get_state(f[0], f[1], f[2], f[3]);
  h5::Writer out(path, "checkpoint", g.comm);
  const char* names[4] = {"u", "v", "w", "p"};
  for (int q = 0; q < 4; ++q) {
    out.create_field(names[q], h5::DType::kFloat64, "z,y,x", {g.nz, g.ncy, g.nx});
    out.write_slab(names[q], f[q].data(), g.z0, g.nzl);
  }
  std::vector<double> y(g.yc.begin() + 1, g.yc.end() - 1);
  out.write_coordinate("y", y);
  std::vector<double> yf(g.yf.begin(), g.yf.end() - 1);  // faces, wall to wall
  out.write_coordinate("y_face", yf);
  write_physics(out, s);
  out.write_provenance(prov);
  out.close();
}

void read_checkpoint(const std::string& path, ChannelSolver& s) {
  const Grid& g = s.grid();
  h5::Reader in(path);
  in.expect_kind("checkpoint");
  const char* names[4] = {"u", "v", "w", "p"};
  std::vector<double> f[4];
  for (int q = 0; q < 4; ++q) {
    in.expect_field(names[q], h5::DType::kFloat64, {g.nz, g.ncy, g.nx});
    in.read_slab(f[q], names[q], g.z0, g.nzl);
  }
  const std::string ph = h5::kPhysicsGroup;
  EDDYOP_CHECK_HINT(std::abs(in.read_double(ph, "stretching") - s.params().stretching) < 1e-14 &&
                        std::abs(in.read_double(ph, "ly") - g.ly) < 1e-14,
                    "channel",
                    "restart '" << path << "' was written on another y grid (stretching "
                                << in.read_double(ph, "stretching") << ", ly "
                                << in.read_double(ph, "ly") << ")",
                    "set channel.stretching and channel.ly as in the run that wrote it");
  s.set_state(f[0], f[1], f[2], f[3], in.read_double(ph, "time"));
}

std::vector<float> coarse_fields(const ChannelSolver& s, int out_nx, int out_ny, int out_nz) {
  const Grid& g = s.grid();
  const int ncy_out = out_ny - 1;
  const int rx = g.nx / out_nx, ry = g.ncy / ncy_out, rz = g.nz / out_nz;
  const std::vector<double> c = local_centres(s);
  const long n = static_cast<long>(g.nzl) * g.ncy * g.nx;
  const long m = static_cast<long>(out_nx) * ncy_out * out_nz;
  std::vector<double> sums(4 * m, 0.0);
  // Fine cells are unions of the same tanh grid, so coarse cell J holds fine cells
  // [J ry, (J+1) ry); weights Δy_fine / Δy_coarse, and 1/(rx rz) in x and z.
  for (int k = 0; k < g.nzl; ++k) {
    const int kc = (g.z0 + k) / rz;
    for (int j = 0; j < g.ncy; ++j) {
      const int jc = j / ry;
      double dyc = 0.0;
      for (int q = jc * ry; q < (jc + 1) * ry; ++q) dyc += g.Dyf(q);
      const double wgt = g.Dyf(j) / (dyc * rx * rz);
      for (int i = 0; i < g.nx; ++i) {
        const long fine = (static_cast<long>(k) * g.ncy + j) * g.nx + i;
        const long coarse = (static_cast<long>(i / rx) * ncy_out + jc) * out_nz + kc;
        for (int f = 0; f < 4; ++f) sums[f * m + coarse] += wgt * c[f * n + fine];
      }
    }
  }
  MPI_Reduce(g.rank == 0 ? MPI_IN_PLACE : sums.data(), sums.data(), static_cast<int>(sums.size()),
             MPI_DOUBLE, MPI_SUM, 0, g.comm);
  if (g.rank != 0) return {};
  return std::vector<float>(sums.begin(), sums.end());
}

std::vector<float> centre_fields(const ChannelSolver& s) {
  const Grid& g = s.grid();
  const std::vector<double> c = local_centres(s);
  const long plane = static_cast<long>(g.ncy) * g.nx;
  std::vector<double> all;
  std::vector<int> counts(g.size), displs(g.size);
  for (int r = 0; r < g.size; ++r) {
    counts[r] = static_cast<int>(4 * g.z_count[r] * plane);
    displs[r] = r == 0 ? 0 : displs[r - 1] + counts[r - 1];
  }
  if (g.rank == 0) all.resize(static_cast<std::size_t>(4) * g.nz * plane);
  MPI_Gatherv(c.data(), static_cast<int>(c.size()), MPI_DOUBLE, all.data(), counts.data(),
              displs.data(), MPI_DOUBLE, 0, g.comm);
  if (g.rank != 0) return {};
  const long total = static_cast<long>(g.nz) * plane;
  std::vector<float> out(static_cast<std::size_t>(4 * total));
  for (int r = 0; r < g.size; ++r) {
    const double* block = all.data() + displs[r];  // (4, nzl_r, ncy, nx)
    const long nr = g.z_count[r] * plane;
    for (int f = 0; f < 4; ++f)
      for (int k = 0; k < g.z_count[r]; ++k)
        for (int j = 0; j < g.ncy; ++j)
          for (int i = 0; i < g.nx; ++i) {
            const long kg = g.z_start[r] + k;
            out[f * total + (static_cast<long>(i) * g.ncy + j) * g.nz + kg] =
                static_cast<float>(block[f * nr + (static_cast<long>(k) * g.ncy + j) * g.nx + i]);
          }
  }
  return out;
}

}  // namespace eddyop::solvers::channel
