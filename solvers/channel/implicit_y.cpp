#include "solvers/channel/implicit_y.hpp"

namespace eddyop::solvers::channel {

void solve_implicit_y(Field& r, const Grid& g, double a, YLocation where,
                      std::vector<double>& work) {
  const int n = where == YLocation::centre ? g.ncy : g.ncy - 1;  // unknowns per line
  work.resize(3 * static_cast<std::size_t>(g.ncy));
  double* low = work.data();
  double* inv = low + g.ncy;
  double* cup = inv + g.ncy;
  double c_prev = 0.0;
  for (int j = 0; j < n; ++j) {
    double lo, up;
    if (where == YLocation::centre) {
      lo = 1.0 / (g.Dyc(j - 1) * g.Dyf(j));
      up = 1.0 / (g.Dyc(j) * g.Dyf(j));
    } else {
      lo = 1.0 / (g.Dyf(j) * g.Dyc(j));
      up = 1.0 / (g.Dyf(j + 1) * g.Dyc(j));
    }
    double diag = 1.0 + a * (lo + up);
    // No slip: a centred ghost is minus its neighbour, so the wall link doubles on the diagonal;
    // a face unknown next to the wall simply loses its (zero) wall neighbour.
    if (where == YLocation::centre && j == 0) diag += a * lo;
    if (where == YLocation::centre && j == n - 1) diag += a * up;
    const double l = j > 0 ? -a * lo : 0.0;
    const double u = j < n - 1 ? -a * up : 0.0;
    inv[j] = 1.0 / (diag - l * c_prev);
    cup[j] = u * inv[j];
    low[j] = l;
    c_prev = cup[j];
  }
  const int nx = g.nx;
  for (int k = 0; k < g.nzl; ++k) {
    double* d0 = r.row(0, k);
    for (int i = 0; i < nx; ++i) d0[i] *= inv[0];
    for (int j = 1; j < n; ++j) {
      double* d = r.row(j, k);
      const double* dm = d - r.sy;
      const double lj = low[j], ij = inv[j];
      for (int i = 0; i < nx; ++i) d[i] = (d[i] - lj * dm[i]) * ij;
    }
    for (int j = n - 2; j >= 0; --j) {
      double* d = r.row(j, k);
      const double* dp = d + r.sy;
      const double cj = cup[j];
      for (int i = 0; i < nx; ++i) d[i] -= cj * dp[i];
    }
  }
}

}  // namespace eddyop::solvers::channel
