// Built with -fno-math-errno (solvers/CMakeLists.txt): square roots without errno, so that the
// SGS loops vectorise (no input here is negative).
#include "solvers/channel/sgs.hpp"

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <limits>

// The row kernels below are built twice, for the default x86-64 target and for x86-64-v3 (AVX2,
// FMA: four doubles a lane, wider square roots and divisions); the loader picks one by the CPU
// (GCC's target_clones), so the build stays portable. FMA rounds differently from a multiply
// and an add: the two builds agree to the last bits, and every rank of a run takes the same one.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define EDDYOP_SGS_ROW __attribute__((noinline, target_clones("arch=x86-64-v3", "default")))
#else
#define EDDYOP_SGS_ROW __attribute__((noinline))
#endif

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

namespace {

// The velocity gradient d[a][b] = ∂u_a/∂x_b at the cell centre i from the staggered u, v, w
// (strides sy, sz; dxi = 1/dx, hx = 1/(2 dx), yi = 1/(Yc(j+1) − Yc(j−1)), dyfi = 1/Dyf(j)):
// the one stencil of centre_gradient() and the row kernels, inlined into their loops so that
// they keep vectorising.
__attribute__((always_inline)) inline void gradient_at(double (&d)[3][3], const double* U,
                                                       const double* V, const double* W, long i,
                                                       long sy, long sz, double dxi, double dzi,
                                                       double hx, double hz, double yi,
                                                       double dyfi) {
  d[0][0] = (U[i] - U[i - 1]) * dxi;
  d[0][1] = 0.5 * ((U[i + sy] + U[i - 1 + sy]) - (U[i - sy] + U[i - 1 - sy])) * yi;
  d[0][2] = 0.5 * ((U[i + sz] + U[i - 1 + sz]) - (U[i - sz] + U[i - 1 - sz])) * hz;
  d[1][0] = 0.5 * ((V[i + 1] + V[i + 1 - sy]) - (V[i - 1] + V[i - 1 - sy])) * hx;
  d[1][1] = (V[i] - V[i - sy]) * dyfi;
  d[1][2] = 0.5 * ((V[i + sz] + V[i + sz - sy]) - (V[i - sz] + V[i - sz - sy])) * hz;
  d[2][0] = 0.5 * ((W[i + 1] + W[i + 1 - sz]) - (W[i - 1] + W[i - 1 - sz])) * hx;
  d[2][1] = 0.5 * ((W[i + sy] + W[i + sy - sz]) - (W[i - sy] + W[i - sy - sz])) * yi;
  d[2][2] = (W[i] - W[i - sz]) * dzi;
}

}  // namespace

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
  // Velocities averaged to centres, differenced across the cell (odd wall ghosts: exact for u
  // linear in y).
  gradient_at(d, U, V, W, c, sy, sz, dxi, dzi, hx, hz, yi, 1.0 / g.Dyf(j));
}

namespace {

double delta_of(const Grid& g, int j) {
  return std::cbrt(g.dx * g.Dyf(j) * g.dz);
}

constexpr int kDynQ = 21;  // per point: û (3), (u_i u_j)^ (6), (|S| S)^ (6), Ŝ (6)
constexpr int kSym[6][2] = {{0, 0}, {1, 1}, {2, 2}, {0, 1}, {0, 2}, {1, 2}};

// The dynamic model's 21 unfiltered quantities at the n cell centres of one row, point by point
// (out: (n, 21)): centre velocities, their products, |S| S_ij and S_ij, from the same
// differences as centre_gradient(); |S| also into `strain` (n), which the eddy viscosity reuses.
// Out of line with restrict parameters, so that GCC keeps the restrict.
EDDYOP_SGS_ROW void dynamic_row(double* __restrict out, double* __restrict strain,
                                const double* __restrict U, const double* __restrict V,
                                const double* __restrict W, long sy, long sz, int n, double dxi,
                                double dzi, double hx, double hz, double yi, double dyfi) {
  for (int i = 0; i < n; ++i) {
    double d[3][3];
    gradient_at(d, U, V, W, i, sy, sz, dxi, dzi, hx, hz, yi, dyfi);
    const double vel[3] = {0.5 * (U[i] + U[i - 1]), 0.5 * (V[i] + V[i - sy]),
                           0.5 * (W[i] + W[i - sz])};
    double sab[6], ss = 0.0;
    for (int s = 0; s < 6; ++s) {
      sab[s] = 0.5 * (d[kSym[s][0]][kSym[s][1]] + d[kSym[s][1]][kSym[s][0]]);
      ss += (s < 3 ? 1.0 : 2.0) * sab[s] * sab[s];
    }
    const double sm = std::sqrt(2.0 * ss);
    strain[i] = sm;
    double* o = out + static_cast<long>(i) * kDynQ;
    for (int a = 0; a < 3; ++a) o[a] = vel[a];
    for (int s = 0; s < 6; ++s) {
      o[3 + s] = vel[kSym[s][0]] * vel[kSym[s][1]];
      o[9 + s] = sm * sab[s];
      o[15 + s] = sab[s];
    }
  }
}

// The Germano–Lilly contraction L^d_ij M_ij and M_ij M_ij at n filtered points (f: (n, 21)),
// per point, so that the loop vectorises; the caller sums them in order.
EDDYOP_SGS_ROW void dynamic_contraction(double* __restrict lm, double* __restrict mm,
                                        const double* __restrict f, int n, double two_d2) {
  const double a2 = kTestFilterRatio * kTestFilterRatio;
  for (int i = 0; i < n; ++i) {
    const double* q = f + static_cast<long>(i) * kDynQ;
    double ss = 0.0;
    for (int s = 0; s < 6; ++s) ss += (s < 3 ? 1.0 : 2.0) * q[15 + s] * q[15 + s];
    const double shm = std::sqrt(2.0 * ss);
    double lmd[6];
    for (int s = 0; s < 6; ++s) lmd[s] = q[3 + s] - q[kSym[s][0]] * q[kSym[s][1]];
    const double third = (lmd[0] + lmd[1] + lmd[2]) / 3.0;
    for (int s = 0; s < 3; ++s) lmd[s] -= third;  // M is traceless: only L^d counts
    double a = 0.0, b = 0.0;
    for (int s = 0; s < 6; ++s) {
      const double m = two_d2 * (q[9 + s] - a2 * shm * q[15 + s]);
      const double wgt = s < 3 ? 1.0 : 2.0;
      a += wgt * lmd[s] * m;
      b += wgt * m * m;
    }
    lm[i] = a;
    mm[i] = b;
  }
}

// The dynamic coefficient C(y): every quantity the Germano identity needs is formed on an
// extended plane (one cell beyond the slab in x and z), point by point (21 values per point, so
// that each filter pass is one flat loop with offsets ±21 and ±21 ex), filtered separably (x,
// then z) and contracted; the plane sums are reduced over the ranks at the end. |S| of every
// cell goes to `strain` (also on its x ghosts and z ghost planes, which the caller's halo update
// overwrites).
EDDYOP_SGS_ROW void dynamic_coefficient(std::vector<double>& c_out, Field& strain, const Field& u,
                                        const Field& v, const Field& w, const Grid& g,
                                        const ChannelParams& p, SgsWork& work) {
  constexpr int Q = kDynQ;
  const int ex = g.nx + 2, ez = g.nzl + 2;
  const long pl = static_cast<long>(ex) * ez;
  const long row = static_cast<long>(ex) * Q;
  work.plane.resize(static_cast<std::size_t>(2 * Q) * pl + 2 * static_cast<std::size_t>(g.nx));
  double* raw = work.plane.data();
  double* tmp = raw + Q * pl;
  double* lm_row = tmp + Q * pl;
  double* mm_row = lm_row + g.nx;
  work.lm.assign(g.ncy, 0.0);
  work.mm.assign(g.ncy, 0.0);
  const double dxi = 1.0 / g.dx, dzi = 1.0 / g.dz;
  for (int j = 0; j < g.ncy; ++j) {
    const double yi = 1.0 / (g.Yc(j + 1) - g.Yc(j - 1)), dyfi = 1.0 / g.Dyf(j);
    for (int k = -1; k <= g.nzl; ++k) {
      const long at = u.index(-1, j, k);
      dynamic_row(raw + (k + 1) * row, strain.data.data() + at, u.data.data() + at,
                  v.data.data() + at, w.data.data() + at, u.sy, u.sz, ex, dxi, dzi, 0.5 * dxi,
                  0.5 * dzi, yi, dyfi);
    }
    // (¼, ½, ¼) in x, then in z; the filtered values overwrite the raw ones (interior only).
    for (int k = 0; k < ez; ++k) {
      const double* r = raw + k * row;
      double* t = tmp + k * row;
      for (long m = Q; m < row - Q; ++m) t[m] = 0.25 * (r[m - Q] + r[m + Q]) + 0.5 * r[m];
    }
    for (int k = 1; k <= g.nzl; ++k) {
      const double* t0 = tmp + k * row;
      double* f = raw + k * row;
      for (long m = Q; m < row - Q; ++m) f[m] = 0.25 * (t0[m - row] + t0[m + row]) + 0.5 * t0[m];
    }
    const double delta = delta_of(g, j);
    double lm = 0.0, mm = 0.0;
    for (int k = 1; k <= g.nzl; ++k) {
      dynamic_contraction(lm_row, mm_row, raw + k * row + Q, g.nx, 2.0 * delta * delta);
      for (int i = 0; i < g.nx; ++i) {
        lm += lm_row[i];
        mm += mm_row[i];
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

namespace {

// One (j, k) row's pointers and factors for the velocity gradient at the cell centres
// (gradient_row): the same differences as centre_gradient().
struct RowGradient {
  const double *U, *V, *W;
  long sy, sz;
  double dxi, dzi, hx, hz, yi, dyfi;
};

// out[i] = f(gradient at cell i) along one row: RowGradient::at with the row's pointers and
// factors in restrict locals, so that the loop vectorises (through the struct it does not).
// Inlined into the row kernels below, which are built for each target.
template <class F>
__attribute__((always_inline)) inline void gradient_row(double* __restrict out,
                                                        const RowGradient& rg, int n, F f) {
  const double* __restrict U = rg.U;
  const double* __restrict V = rg.V;
  const double* __restrict W = rg.W;
  const long sy = rg.sy, sz = rg.sz;
  const double dxi = rg.dxi, dzi = rg.dzi, hx = rg.hx, hz = rg.hz, yi = rg.yi, dyfi = rg.dyfi;
  for (int i = 0; i < n; ++i) {
    double d[3][3];
    gradient_at(d, U, V, W, i, sy, sz, dxi, dzi, hx, hz, yi, dyfi);
    out[i] = f(d);
  }
}

inline double strain_squared(const double (&g)[3][3]) {  // S:S
  double ss = 0.0;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      const double s = 0.5 * (g[i][j] + g[j][i]);
      ss += s * s;
    }
  return ss;
}

// WALE's ratio (S^d:S^d)^{3/2} / ((S:S)^{5/2} + (S^d:S^d)^{5/4}) with square roots only (pow
// does not vectorise); wale_nu_t() is its plain twin, and a test compares the two.
inline double wale_ratio(const double (&g)[3][3]) {
  double g2[3][3];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      g2[i][j] = g[i][0] * g[0][j] + g[i][1] * g[1][j] + g[i][2] * g[2][j];
  const double third = (g2[0][0] + g2[1][1] + g2[2][2]) / 3.0;
  double sdsd = 0.0;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      const double sd = 0.5 * (g2[i][j] + g2[j][i]) - (i == j ? third : 0.0);
      sdsd += sd * sd;
    }
  const double ss = strain_squared(g);
  const double r = std::sqrt(sdsd);
  const double den = ss * ss * std::sqrt(ss) + sdsd * std::sqrt(r);
  // den = 0 only where sdsd = 0; the smallest normal double keeps the division a plain
  // vector operation (a select on den would stop the loop vectorising).
  return sdsd * r / (den + std::numeric_limits<double>::min());
}

// ν_t along one row: c |S| (Smagorinsky with c = l² √2, and the dynamic model's ν_t when its
// coefficient is not updated) and c times WALE's ratio.
EDDYOP_SGS_ROW void strain_row(double* __restrict out, const RowGradient& rg, int n, double c) {
  gradient_row(out, rg, n,
               [c](const double(&d)[3][3]) { return c * std::sqrt(strain_squared(d)); });
}
EDDYOP_SGS_ROW void wale_row(double* __restrict out, const RowGradient& rg, int n, double c) {
  gradient_row(out, rg, n, [c](const double(&d)[3][3]) { return c * wale_ratio(d); });
}

RowGradient row_gradient(const Field& u, const Field& v, const Field& w, const Grid& g, int j,
                         int k) {
  RowGradient r;
  const long at = u.index(0, j, k);
  r.U = u.data.data() + at;
  r.V = v.data.data() + at;
  r.W = w.data.data() + at;
  r.sy = u.sy;
  r.sz = u.sz;
  r.dxi = 1.0 / g.dx;
  r.dzi = 1.0 / g.dz;
  r.hx = 0.5 * r.dxi;
  r.hz = 0.5 * r.dzi;
  r.yi = 1.0 / (g.Yc(j + 1) - g.Yc(j - 1));
  r.dyfi = 1.0 / g.Dyf(j);
  return r;
}

}  // namespace

void sgs_viscosity(Field& nu_t, const Field& u, const Field& v, const Field& w, const Grid& g,
                   const ChannelParams& p, SgsWork& work) {
  if (p.sgs == SgsModel::dynamic_smagorinsky &&
      (work.update_coefficient || work.coefficient.empty())) {
    // The procedure has formed |S| of every cell already: ν_t = C(y) Δ² |S| without a second
    // gradient pass.
    dynamic_coefficient(work.coefficient, nu_t, u, v, w, g, p, work);
    for (int k = 0; k < g.nzl; ++k)
      for (int j = 0; j < g.ncy; ++j) {
        const double delta = delta_of(g, j);
        const double c = work.coefficient[j] * delta * delta;
        double* out = nu_t.row(j, k);
        for (int i = 0; i < g.nx; ++i) out[i] *= c;
      }
    return;
  }
  const double nu = p.nu();
  for (int k = 0; k < g.nzl; ++k)
    for (int j = 0; j < g.ncy; ++j) {
      const double delta = delta_of(g, j);
      const double wall = std::min(g.Yc(j), g.ly - g.Yc(j));
      const RowGradient rg = row_gradient(u, v, w, g, j, k);
      double* out = nu_t.row(j, k);
      switch (p.sgs) {
        case SgsModel::smagorinsky: {
          const double l = p.cs * van_driest(wall / nu, p.van_driest_a) * delta;  // y⁺, u_τ = 1
          const double c = l * l * std::sqrt(2.0);
          strain_row(out, rg, g.nx, c);
          break;
        }
        case SgsModel::wale: {
          const double c = (p.cw * delta) * (p.cw * delta);
          wale_row(out, rg, g.nx, c);
          break;
        }
        case SgsModel::dynamic_smagorinsky: {
          const double c = work.coefficient[j] * delta * delta * std::sqrt(2.0);
          strain_row(out, rg, g.nx, c);
          break;
        }
        default:
          for (int i = 0; i < g.nx; ++i) out[i] = 0.0;
      }
    }
}

namespace {

// 2 ν_t S_xy, 2 ν_t S_xz, 2 ν_t S_yz on the edge at offset o (yi: 1 / Δy between the two u or w
// rows).
inline double edge_xy(const double* N, const double* U, const double* V, long o, long sy, double yi,
                      double dxi) {
  const double n = 0.25 * (N[o] + N[o + 1] + N[o + sy] + N[o + 1 + sy]);
  return n * ((U[o + sy] - U[o]) * yi + (V[o + 1] - V[o]) * dxi);
}
inline double edge_xz(const double* N, const double* U, const double* W, long o, long sz,
                      double dzi, double dxi) {
  const double n = 0.25 * (N[o] + N[o + 1] + N[o + sz] + N[o + 1 + sz]);
  return n * ((U[o + sz] - U[o]) * dzi + (W[o + 1] - W[o]) * dxi);
}
inline double edge_yz(const double* N, const double* V, const double* W, long o, long sy, long sz,
                      double yi, double dzi) {
  const double n = 0.25 * (N[o] + N[o + sy] + N[o + sz] + N[o + sy + sz]);
  return n * ((V[o + sz] - V[o]) * dzi + (W[o + sy] - W[o]) * yi);
}

// The three edge stresses 2 ν_t S_xy, 2 ν_t S_xz, 2 ν_t S_yz of n edges of one row, from offset
// 0 (the caller shifts the pointers): out of line with restrict parameters, so that it
// vectorises (GCC 12 loses the restrict when it inlines, and ignores it on locals).
EDDYOP_SGS_ROW void edge_row(double* __restrict xy, double* __restrict xz, double* __restrict yz,
                             const double* __restrict N, const double* __restrict U,
                             const double* __restrict V, const double* __restrict W, long sy,
                             long sz, int n, double dxi, double dzi, double yi) {
  for (int i = 0; i < n; ++i) {
    xy[i] = edge_xy(N, U, V, i, sy, yi, dxi);
    xz[i] = edge_xz(N, U, W, i, sz, dzi, dxi);
    yz[i] = edge_yz(N, V, W, i, sy, sz, yi, dzi);
  }
}

// One (j, k) row of sgs_force from the edge stresses of this row (cxy, cxz, cyz, valid from
// index -1), of the row below (pxy, pyz) and of the same row one plane down (qxz, qyz): each
// edge is evaluated once. Shear stresses on the cell edges, ν_t averaged from the four cells
// around: xy at (x-face i, y-face j), xz at (x-face i, z-face k), yz at (y-face j, z-face k);
// normal stresses 2 ν_t S_aa at the centres.
EDDYOP_SGS_ROW void sgs_force_row(double* __restrict HU, double* __restrict HV,
                                  double* __restrict HW, const double* __restrict N,
                                  const double* __restrict U, const double* __restrict V,
                                  const double* __restrict W, const double* __restrict cxy,
                                  const double* __restrict cxz, const double* __restrict cyz,
                                  const double* __restrict pxy, const double* __restrict pyz,
                                  const double* __restrict qxz, const double* __restrict qyz,
                                  long sy, long sz, int nx, double dxi, double dzi, double dyfi,
                                  double dyfp, double dyci, double vmask) {
  for (int i = 0; i < nx; ++i) {
    const double xy = cxy[i], xz = cxz[i], yz = cyz[i];
    HU[i] = 2.0 * (N[i + 1] * (U[i + 1] - U[i]) - N[i] * (U[i] - U[i - 1])) * dxi * dxi +
            (xy - pxy[i]) * dyfi + (xz - qxz[i]) * dzi;
    HW[i] = (xz - cxz[i - 1]) * dxi + (yz - pyz[i]) * dyfi +
            2.0 * (N[i + sz] * (W[i + sz] - W[i]) - N[i] * (W[i] - W[i - sz])) * dzi * dzi;
    HV[i] =
        vmask *
        ((xy - cxy[i - 1]) * dxi +
         2.0 * (N[i + sy] * (V[i + sy] - V[i]) * dyfp - N[i] * (V[i] - V[i - sy]) * dyfi) * dyci +
         (yz - qyz[i]) * dzi);
  }
}

}  // namespace

void sgs_force(Field& fu, Field& fv, Field& fw, const Field& nu_t, const Field& u, const Field& v,
               const Field& w, const Grid& g, SgsWork& work) {
  const long sy = u.sy, sz = u.sz;
  const int nx = g.nx, ncy = g.ncy;
  const long len = nx + 1;  // edges of a row from i = -1
  const double dxi = 1.0 / g.dx, dzi = 1.0 / g.dz;
  // Edge stresses (each len, index i at [i + 1]): this row, the row below, and every row of
  // the plane below (xy is not needed there, but kept in step with xz and yz).
  work.edges.resize(static_cast<std::size_t>(3 * len) * (2 + 2 * ncy));
  double* cur = work.edges.data();       // xy, xz, yz of row (j, k)
  double* below = cur + 3 * len;         // of row (j - 1, k)
  double* plane = below + 3 * len;       // of rows (j, k - 1), j = 0..ncy-1
  double* next = plane + 3 * len * ncy;  // the same for plane k, filled as the rows go
  const double* Nd = nu_t.data.data();
  const double* Ud = u.data.data();
  const double* Vd = v.data.data();
  const double* Wd = w.data.data();
  auto edges = [&](double* e, int j, int k) {
    const long at = u.index(-1, j, k);
    edge_row(e, e + len, e + 2 * len, Nd + at, Ud + at, Vd + at, Wd + at, sy, sz, nx + 1, dxi, dzi,
             1.0 / g.Dyc(j));
  };
  for (int j = 0; j < ncy; ++j) edges(plane + 3 * len * j, j, -1);
  for (int k = 0; k < g.nzl; ++k) {
    edges(below, -1, k);
    for (int j = 0; j < ncy; ++j) {
      edges(cur, j, k);
      const long at = u.index(0, j, k);
      const double dyfi = 1.0 / g.Dyf(j), dyci = 1.0 / g.Dyc(j);
      const double dyfp = 1.0 / g.Dyf(j + 1);
      const double vmask = j < ncy - 1 ? 1.0 : 0.0;
      const double* q = plane + 3 * len * j;
      sgs_force_row(fu.data.data() + at, fv.data.data() + at, fw.data.data() + at, Nd + at, Ud + at,
                    Vd + at, Wd + at, cur + 1, cur + len + 1, cur + 2 * len + 1, below + 1,
                    below + 2 * len + 1, q + len + 1, q + 2 * len + 1, sy, sz, nx, dxi, dzi, dyfi,
                    dyfp, dyci, vmask);
      std::copy(cur, cur + 3 * len, next + 3 * len * j);
      std::swap(cur, below);
    }
    std::swap(plane, next);
  }
}

}  // namespace eddyop::solvers::channel
