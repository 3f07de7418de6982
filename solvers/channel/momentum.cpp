#include "solvers/channel/momentum.hpp"

namespace eddyop::solvers::channel {

void momentum_rhs(Field& hu, Field& hv, Field& hw, Field* lyy_u, Field* lyy_v, Field* lyy_w,
                  const Field& u, const Field& v, const Field& w, const Grid& g, double nu,
                  int k_begin, int k_end) {
  const int nx = g.nx, ncy = g.ncy;
  if (k_end < 0) k_end = g.nzl;
  const long sy = u.sy, sz = u.sz;
  const double dxi = 1.0 / g.dx, dzi = 1.0 / g.dz;
  const double nxx = nu * dxi * dxi, nzz = nu * dzi * dzi;
  const bool explicit_y = lyy_u == nullptr;
  for (int k = k_begin; k < k_end; ++k)
    for (int j = 0; j < ncy; ++j) {
      const double dyfi = 1.0 / g.Dyf(j);
      const long at = u.index(0, j, k);
      const double* U = u.data.data() + at;
      const double* V = v.data.data() + at;
      const double* W = w.data.data() + at;
      double* HU = hu.data.data() + at;
      double* HW = hw.data.data() + at;
      double* LU = explicit_y ? nullptr : lyy_u->data.data() + at;
      double* LW = explicit_y ? nullptr : lyy_w->data.data() + at;
      const double ayu_p = 1.0 / (g.Dyc(j) * g.Dyf(j)), ayu_m = 1.0 / (g.Dyc(j - 1) * g.Dyf(j));
      for (int i = 0; i < nx; ++i) {
        // u at (x-face i, yc j, zc k)
        const double uuip = 0.25 * (U[i] + U[i + 1]) * (U[i] + U[i + 1]);
        const double uuim = 0.25 * (U[i - 1] + U[i]) * (U[i - 1] + U[i]);
        const double uvjp = 0.25 * (U[i + sy] + U[i]) * (V[i + 1] + V[i]);
        const double uvjm = 0.25 * (U[i] + U[i - sy]) * (V[i + 1 - sy] + V[i - sy]);
        const double uwkp = 0.25 * (U[i + sz] + U[i]) * (W[i + 1] + W[i]);
        const double uwkm = 0.25 * (U[i] + U[i - sz]) * (W[i + 1 - sz] + W[i - sz]);
        const double lyu = ayu_p * (U[i + sy] - U[i]) - ayu_m * (U[i] - U[i - sy]);
        double hu_i = -dxi * (uuip - uuim) - dyfi * (uvjp - uvjm) - dzi * (uwkp - uwkm) +
                      nxx * (U[i + 1] - 2.0 * U[i] + U[i - 1]) +
                      nzz * (U[i + sz] - 2.0 * U[i] + U[i - sz]);
        // w at (xc i, yc j, z-face k)
        const double uwip = 0.25 * (W[i] + W[i + 1]) * (U[i] + U[i + sz]);
        const double uwim = 0.25 * (W[i - 1] + W[i]) * (U[i - 1] + U[i - 1 + sz]);
        const double vwjp = 0.25 * (W[i] + W[i + sy]) * (V[i] + V[i + sz]);
        const double vwjm = 0.25 * (W[i] + W[i - sy]) * (V[i - sy] + V[i - sy + sz]);
        const double wwkp = 0.25 * (W[i] + W[i + sz]) * (W[i] + W[i + sz]);
        const double wwkm = 0.25 * (W[i] + W[i - sz]) * (W[i] + W[i - sz]);
        const double lyw = ayu_p * (W[i + sy] - W[i]) - ayu_m * (W[i] - W[i - sy]);
        double hw_i = -dxi * (uwip - uwim) - dyfi * (vwjp - vwjm) - dzi * (wwkp - wwkm) +
                      nxx * (W[i + 1] - 2.0 * W[i] + W[i - 1]) +
                      nzz * (W[i + sz] - 2.0 * W[i] + W[i - sz]);
        if (explicit_y) {
          hu_i += nu * lyu;
          hw_i += nu * lyw;
        } else {
          LU[i] = lyu;
          LW[i] = lyw;
        }
        HU[i] = hu_i;
        HW[i] = hw_i;
      }
      if (j == ncy - 1) continue;  // v on the top wall is fixed
      double* HV = hv.data.data() + at;
      double* LV = explicit_y ? nullptr : lyy_v->data.data() + at;
      const double dyci = 1.0 / g.Dyc(j);
      const double ayv_p = 1.0 / (g.Dyf(j + 1) * g.Dyc(j)), ayv_m = 1.0 / (g.Dyf(j) * g.Dyc(j));
      for (int i = 0; i < nx; ++i) {
        // v at (xc i, y-face j, zc k)
        const double uvip = 0.25 * (U[i] + U[i + sy]) * (V[i] + V[i + 1]);
        const double uvim = 0.25 * (U[i - 1] + U[i - 1 + sy]) * (V[i - 1] + V[i]);
        const double vvjp = 0.25 * (V[i] + V[i + sy]) * (V[i] + V[i + sy]);
        const double vvjm = 0.25 * (V[i] + V[i - sy]) * (V[i] + V[i - sy]);
        const double wvkp = 0.25 * (W[i] + W[i + sy]) * (V[i] + V[i + sz]);
        const double wvkm = 0.25 * (W[i - sz] + W[i + sy - sz]) * (V[i] + V[i - sz]);
        const double lyv = ayv_p * (V[i + sy] - V[i]) - ayv_m * (V[i] - V[i - sy]);
        double hv_i = -dxi * (uvip - uvim) - dyci * (vvjp - vvjm) - dzi * (wvkp - wvkm) +
                      nxx * (V[i + 1] - 2.0 * V[i] + V[i - 1]) +
                      nzz * (V[i + sz] - 2.0 * V[i] + V[i - sz]);
        if (explicit_y)
          hv_i += nu * lyv;
        else
          LV[i] = lyv;
        HV[i] = hv_i;
      }
    }
}

}  // namespace eddyop::solvers::channel
