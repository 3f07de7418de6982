#include "solvers/channel/statistics.hpp"

#include <mpi.h>

#include <cmath>

#include "core/hdf5/writer.hpp"
#include "solvers/channel/output.hpp"

namespace eddyop::solvers::channel {

void RunningStatistics::accumulate(const ChannelSolver& s) {
  const Grid& g = s.grid();
  const Field &u = s.u(), &v = s.v(), &w = s.w(), &p = s.p();
  const int n = g.ncy;
  for (int k = 0; k < g.nzl; ++k)
    for (int j = 0; j < n; ++j) {
      double a[kQuantities] = {};
      for (int i = 0; i < g.nx; ++i) {
        const double uc = 0.5 * (u(i, j, k) + u(i - 1, j, k));
        const double vc = 0.5 * (v(i, j, k) + v(i, j - 1, k));
        const double wc = 0.5 * (w(i, j, k) + w(i, j, k - 1));
        a[0] += uc;
        a[1] += vc;
        a[2] += wc;
        a[3] += p(i, j, k);
        a[4] += uc * uc;
        a[5] += vc * vc;
        a[6] += wc * wc;
        a[7] += uc * vc;
        a[8] += uc * wc;
        a[9] += vc * wc;
      }
      for (int q = 0; q < kQuantities; ++q) sums_[q * n + j] += a[q];
    }
  ++samples_;
}

std::vector<double> RunningStatistics::reduce(const ChannelSolver& s) const {
  const Grid& g = s.grid();
  const int n = g.ncy;
  std::vector<double> m(sums_);
  MPI_Allreduce(MPI_IN_PLACE, m.data(), static_cast<int>(m.size()), MPI_DOUBLE, MPI_SUM, g.comm);
  const double count = static_cast<double>(samples_ > 0 ? samples_ : 1) * g.nx * g.nz;
  for (double& x : m) x /= count;
  for (int j = 0; j < n; ++j) {
    const double U = m[0 * n + j], V = m[1 * n + j], W = m[2 * n + j];
    m[4 * n + j] -= U * U;
    m[5 * n + j] -= V * V;
    m[6 * n + j] -= W * W;
    m[7 * n + j] -= U * V;
    m[8 * n + j] -= U * W;
    m[9 * n + j] -= V * W;
  }
  return m;
}

void RunningStatistics::write(const std::string& path, const ChannelSolver& s,
                              const Provenance& prov) const {
  const Grid& g = s.grid();
  const int n = g.ncy;
  const std::vector<double> m = reduce(s);
  const char* names[kQuantities] = {"mean_u", "mean_v", "mean_w", "mean_p", "uu",
                                    "vv",     "ww",     "uv",     "uw",     "vw"};
  h5::Writer out(path, "statistics", g.comm);
  for (int q = 0; q < kQuantities; ++q)
    out.write_field(names[q], "y", m.data() + static_cast<long>(q) * n, {n});
  std::vector<double> y(g.yc.begin() + 1, g.yc.begin() + 1 + n);
  out.write_coordinate("y", y);
  // Re_τ of the mean profile: u_τ² = ν dU/dy at the walls (both walls averaged).
  const double nu = s.params().nu();
  const double shear = 0.5 * (m[0] / g.Yc(0) + m[n - 1] / (g.ly - g.Yc(n - 1)));
  write_physics(out, s);
  out.write_attribute(h5::kPhysicsGroup, "Re_tau_measured",
                      std::sqrt(std::abs(nu * shear)) * 0.5 * g.ly / nu);
  out.write_attribute(h5::kPhysicsGroup, "statistics_samples", static_cast<long long>(samples_));
  out.write_provenance(prov);
  out.close();
}

}  // namespace eddyop::solvers::channel
