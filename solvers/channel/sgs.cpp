#include "solvers/channel/sgs.hpp"

#include <mpi.h>

#include <algorithm>
#include <cmath>

namespace eddyop::solvers::channel {

double strain_magnitude(const Gradient& g) {
  double ss = 0.0;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      const double s = 0.5 * (g[i][j] + g[j][i]);
      ss += s * s;
    }
  return std::sqrt(2.0 * ss);
}

double van_driest(double y_plus, double a_plus) {
  return 1.0 - std::exp(-y_plus / a_plus);
}

double smagorinsky_nu_t(const Gradient& g, double delta, double cs, double damping) {
  const double l = cs * damping * delta;
  return l * l * strain_magnitude(g);
}

double wale_nu_t(const Gradient& g, double delta, double cw) {
  double g2[3][3];
  double trace = 0.0;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      g2[i][j] = g[i][0] * g[0][j] + g[i][1] * g[1][j] + g[i][2] * g[2][j];
      if (i == j) trace += g2[i][j];
    }
  double ss = 0.0, sdsd = 0.0;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      const double s = 0.5 * (g[i][j] + g[j][i]);
      const double sd = 0.5 * (g2[i][j] + g2[j][i]) - (i == j ? trace / 3.0 : 0.0);
      ss += s * s;
      sdsd += sd * sd;
    }
  const double den = std::pow(ss, 2.5) + std::pow(sdsd, 1.25);
  if (den <= 0.0) return 0.0;  // no velocity gradient at all
  const double l = cw * delta;
  return l * l * std::pow(sdsd, 1.5) / den;
}

double germano_lilly_coefficient(const double* l, const double* m, long n) {
  double lm = 0.0, mm = 0.0;
  for (long q = 0; q < n; ++q) {
    const double* a = l + 6 * q;
    const double* b = m + 6 * q;
    lm += a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + 2.0 * (a[3] * b[3] + a[4] * b[4] + a[5] * b[5]);
    mm += b[0] * b[0] + b[1] * b[1] + b[2] * b[2] + 2.0 * (b[3] * b[3] + b[4] * b[4] + b[5] * b[5]);
  }
  return mm > 0.0 ? lm / mm : 0.0;
}

void centre_gradient(Gradient& d, const Field& u, const Field& v, const Field& w, const Grid& g,
                     int i, int j, int k) {
  const long c = u.index(i, j, k);
  const long sy = u.sy, sz = u.sz;
  const double* U = u.data.data();
  const double* V = v.data.data();
  const double* W = w.data.data();
  const double dxi = 1.0 / g.dx, dzi = 1.0 / g.dz;
  const double hx = 0.5 * dxi, hz = 0.5 * dzi;
  const double yi = 1.0 / (g.Yc(j + 1) - g.Yc(j - 1));
  // Velocities averaged to centres: u_c = ½(u[i] + u[i-1]) and likewise.
  auto uc = [&](long a) { return 0.5 * (U[a] + U[a - 1]); };
  auto vc = [&](long a) { return 0.5 * (V[a] + V[a - sy]); };
  auto wc = [&](long a) { return 0.5 * (W[a] + W[a - sz]); };
  d[0][0] = (U[c] - U[c - 1]) * dxi;
  d[0][1] = (uc(c + sy) - uc(c - sy)) * yi;  // odd wall ghosts: exact for u linear in y
  d[0][2] = (uc(c + sz) - uc(c - sz)) * hz;
  d[1][0] = (vc(c + 1) - vc(c - 1)) * hx;
  d[1][1] = (V[c] - V[c - sy]) / g.Dyf(j);
  d[1][2] = (vc(c + sz) - vc(c - sz)) * hz;
  d[2][0] = (wc(c + 1) - wc(c - 1)) * hx;
  d[2][1] = (wc(c + sy) - wc(c - sy)) * yi;
  d[2][2] = (W[c] - W[c - sz]) * dzi;
}

namespace {

double delta_of(const Grid& g, int j) {
  return std::cbrt(g.dx * g.Dyf(j) * g.dz);
}

// The dynamic coefficient C(y): every quantity the Germano identity needs is formed on an
// extended plane (one cell beyond the slab in x and z), filtered separably (x, then z) and
// contracted; the plane sums are reduced over the ranks at the end.
void dynamic_coefficient(std::vector<double>& c_out, const Field& u, const Field& v, const Field& w,
                         const Grid& g, const ChannelParams& p, SgsWork& work) {
  constexpr int Q = 21;  // û (3), (u_i u_j)^ (6), (|S| S)^ (6), Ŝ (6)
  const int ex = g.nx + 2, ez = g.nzl + 2;
  const long pl = static_cast<long>(ex) * ez;
  work.plane.resize(static_cast<std::size_t>(2 * Q) * pl);
  double* raw = work.plane.data();
  double* tmp = raw + Q * pl;
  work.lm.assign(g.ncy, 0.0);
  work.mm.assign(g.ncy, 0.0);
  const int sym[6][2] = {{0, 0}, {1, 1}, {2, 2}, {0, 1}, {0, 2}, {1, 2}};
  const double a2 = kTestFilterRatio * kTestFilterRatio;
  for (int j = 0; j < g.ncy; ++j) {
    for (int k = -1; k <= g.nzl; ++k)
      for (int i = -1; i <= g.nx; ++i) {
        const long c = u.index(i, j, k);
        const long at = (k + 1) * ex + (i + 1);
        Gradient d;
        centre_gradient(d, u, v, w, g, i, j, k);
        const double vel[3] = {0.5 * (u.data[c] + u.data[c - 1]),
                               0.5 * (v.data[c] + v.data[c - u.sy]),
                               0.5 * (w.data[c] + w.data[c - u.sz])};
        const double sm = strain_magnitude(d);
        for (int a = 0; a < 3; ++a) raw[a * pl + at] = vel[a];
        for (int s = 0; s < 6; ++s) {
          const int a = sym[s][0], b = sym[s][1];
          const double sab = 0.5 * (d[a][b] + d[b][a]);
          raw[(3 + s) * pl + at] = vel[a] * vel[b];
          raw[(9 + s) * pl + at] = sm * sab;
          raw[(15 + s) * pl + at] = sab;
        }
      }
    // (¼, ½, ¼) in x, then in z.
    for (int q = 0; q < Q; ++q) {
      const double* r = raw + q * pl;
      double* t = tmp + q * pl;
      for (int k = 0; k < ez; ++k) {
        const double* rr = r + static_cast<long>(k) * ex;
        double* tt = t + static_cast<long>(k) * ex;
        for (int i = 1; i <= g.nx; ++i) tt[i] = 0.25 * (rr[i - 1] + rr[i + 1]) + 0.5 * rr[i];
      }
      double* f = raw + q * pl;  // filtered values overwrite the raw ones, interior only
      for (int k = 1; k <= g.nzl; ++k) {
        const double* tm = t + static_cast<long>(k - 1) * ex;
        const double* t0 = tm + ex;
        const double* tp = t0 + ex;
        double* ff = f + static_cast<long>(k) * ex;
        // Row k - 1 of f is already filtered; tmp keeps the unfiltered-in-z rows it needs.
        for (int i = 1; i <= g.nx; ++i) ff[i] = 0.25 * (tm[i] + tp[i]) + 0.5 * t0[i];
      }
    }
    const double delta = delta_of(g, j);
    const double two_d2 = 2.0 * delta * delta;
    double lm = 0.0, mm = 0.0;
    for (int k = 1; k <= g.nzl; ++k)
      for (int i = 1; i <= g.nx; ++i) {
        const long at = static_cast<long>(k) * ex + i;
        double sh[6], ss = 0.0;
        for (int s = 0; s < 6; ++s) {
          sh[s] = raw[(15 + s) * pl + at];
          ss += (s < 3 ? 1.0 : 2.0) * sh[s] * sh[s];
        }
        const double shm = std::sqrt(2.0 * ss);
        double lmd[6];
        double trace = 0.0;
        for (int s = 0; s < 6; ++s) {
          const int a = sym[s][0], b = sym[s][1];
          lmd[s] = raw[(3 + s) * pl + at] - raw[a * pl + at] * raw[b * pl + at];
          if (s < 3) trace += lmd[s];
        }
        for (int s = 0; s < 3; ++s) lmd[s] -= trace / 3.0;  // M is traceless: only L^d counts
        for (int s = 0; s < 6; ++s) {
          const double m = two_d2 * (raw[(9 + s) * pl + at] - a2 * shm * sh[s]);
          const double wgt = s < 3 ? 1.0 : 2.0;
          lm += wgt * lmd[s] * m;
          mm += wgt * m * m;
        }
      }
    work.lm[j] = lm;
    work.mm[j] = mm;
  }
  MPI_Allreduce(MPI_IN_PLACE, work.lm.data(), g.ncy, MPI_DOUBLE, MPI_SUM, g.comm);
  MPI_Allreduce(MPI_IN_PLACE, work.mm.data(), g.ncy, MPI_DOUBLE, MPI_SUM, g.comm);
  c_out.resize(g.ncy);
  for (int j = 0; j < g.ncy; ++j) {
    const double cj = work.mm[j] > 0.0 ? work.lm[j] / work.mm[j] : 0.0;
    c_out[j] = std::clamp(cj, 0.0, p.dynamic_c_max);
  }
}

}  // namespace

void sgs_viscosity(Field& nu_t, const Field& u, const Field& v, const Field& w, const Grid& g,
                   const ChannelParams& p, SgsWork& work) {
  if (p.sgs == SgsModel::dynamic_smagorinsky)
    dynamic_coefficient(work.coefficient, u, v, w, g, p, work);
  const double nu = p.nu();
  for (int k = 0; k < g.nzl; ++k)
    for (int j = 0; j < g.ncy; ++j) {
      const double delta = delta_of(g, j);
      const double wall = std::min(g.Yc(j), g.ly - g.Yc(j));
      const double damping = van_driest(wall / nu, p.van_driest_a);  // y⁺ with u_τ = 1
      double* out = nu_t.row(j, k);
      for (int i = 0; i < g.nx; ++i) {
        Gradient d;
        centre_gradient(d, u, v, w, g, i, j, k);
        switch (p.sgs) {
          case SgsModel::smagorinsky:
            out[i] = smagorinsky_nu_t(d, delta, p.cs, damping);
            break;
          case SgsModel::wale:
            out[i] = wale_nu_t(d, delta, p.cw);
            break;
          case SgsModel::dynamic_smagorinsky:
            out[i] = work.coefficient[j] * delta * delta * strain_magnitude(d);
            break;
          default:
            out[i] = 0.0;
        }
      }
    }
}

void add_sgs_stress(Field& hu, Field& hv, Field& hw, const Field& nu_t, const Field& u,
                    const Field& v, const Field& w, const Grid& g) {
  const long sy = u.sy, sz = u.sz;
  const double dxi = 1.0 / g.dx, dzi = 1.0 / g.dz;
  const double* N = nu_t.data.data();
  const double* U = u.data.data();
  const double* V = v.data.data();
  const double* W = w.data.data();
  // Shear stresses 2 ν_t S_ab on the edges, ν_t averaged from the four cells around the edge.
  // xy edge (x-face i, y-face j), xz edge (x-face i, z-face k), yz edge (y-face j, z-face k).
  auto txy = [&](long c, int j) {
    const double n = 0.25 * (N[c] + N[c + 1] + N[c + sy] + N[c + 1 + sy]);
    return n * ((U[c + sy] - U[c]) / g.Dyc(j) + (V[c + 1] - V[c]) * dxi);
  };
  auto txz = [&](long c) {
    const double n = 0.25 * (N[c] + N[c + 1] + N[c + sz] + N[c + 1 + sz]);
    return n * ((U[c + sz] - U[c]) * dzi + (W[c + 1] - W[c]) * dxi);
  };
  auto tyz = [&](long c, int j) {
    const double n = 0.25 * (N[c] + N[c + sy] + N[c + sz] + N[c + sy + sz]);
    return n * ((V[c + sz] - V[c]) * dzi + (W[c + sy] - W[c]) / g.Dyc(j));
  };
  auto txx = [&](long c) { return 2.0 * N[c] * (U[c] - U[c - 1]) * dxi; };
  auto tyy = [&](long c, int j) { return 2.0 * N[c] * (V[c] - V[c - sy]) / g.Dyf(j); };
  auto tzz = [&](long c) { return 2.0 * N[c] * (W[c] - W[c - sz]) * dzi; };
  for (int k = 0; k < g.nzl; ++k)
    for (int j = 0; j < g.ncy; ++j) {
      const double dyfi = 1.0 / g.Dyf(j);
      const long at = u.index(0, j, k);
      double* HU = hu.data.data() + at;
      double* HV = hv.data.data() + at;
      double* HW = hw.data.data() + at;
      for (int i = 0; i < g.nx; ++i) {
        const long c = at + i;
        HU[i] += (txx(c + 1) - txx(c)) * dxi + (txy(c, j) - txy(c - sy, j - 1)) * dyfi +
                 (txz(c) - txz(c - sz)) * dzi;
        HW[i] += (txz(c) - txz(c - 1)) * dxi + (tyz(c, j) - tyz(c - sy, j - 1)) * dyfi +
                 (tzz(c + sz) - tzz(c)) * dzi;
        if (j < g.ncy - 1)
          HV[i] += (txy(c, j) - txy(c - 1, j)) * dxi + (tyy(c + sy, j + 1) - tyy(c, j)) / g.Dyc(j) +
                   (tyz(c, j) - tyz(c - sz, j)) * dzi;
      }
    }
}

}  // namespace eddyop::solvers::channel
