#include "postprocess/derived_fields.hpp"

#include "core/error.hpp"

namespace eddyop::postprocess {

void derivative(std::vector<double>& out, ArrayRef f, const RectGrid& grid, int axis) {
  const auto d = grid.dims();
  const std::size_t a = static_cast<std::size_t>(axis);
  check_size(f, grid.points(), "derived", "the field (nx, ny, nz)");
  out.assign(grid.points(), 0.0);
  const std::size_t n = d[a];
  if (n == 1) return;
  // Stride of the axis in LayoutRight, and the number of lines along it.
  const std::size_t stride = a == 0 ? d[1] * d[2] : (a == 1 ? d[2] : 1);
  const auto& x = grid.coords[a];
  for (std::size_t base = 0; base < grid.points(); ++base) {
    if ((base / stride) % n != 0) continue;  // visit each line once, from its first node
    auto v = [&](std::size_t i) { return f[base + i * stride]; };
    for (std::size_t i = 0; i < n; ++i) {
      double dv = 0.0;
      if (grid.periodic[a]) {
        const double h = grid.period[a] / static_cast<double>(n);
        dv = (v((i + 1) % n) - v((i + n - 1) % n)) / (2.0 * h);
      } else if (n == 2) {
        dv = (v(1) - v(0)) / (x[1] - x[0]);
      } else {
        const std::size_t s = i == 0 ? 0 : (i == n - 1 ? n - 3 : i - 1);
        const double x0 = x[s], x1 = x[s + 1], x2 = x[s + 2], at = x[i];
        dv = ((at - x1) + (at - x2)) / ((x0 - x1) * (x0 - x2)) * v(s) +
             ((at - x0) + (at - x2)) / ((x1 - x0) * (x1 - x2)) * v(s + 1) +
             ((at - x0) + (at - x1)) / ((x2 - x0) * (x2 - x1)) * v(s + 2);
      }
      out[base + i * stride] = dv;
    }
  }
}

void vorticity_and_q(std::vector<double>* vorticity, std::vector<double>* q, ArrayRef velocity,
                     const RectGrid& grid) {
  validate_grid(grid, "derived");
  const std::size_t np = grid.points();
  check_size(velocity, 3 * np, "derived", "the velocity (3, nx, ny, nz)");
  // g[c][a] = d u_c / d x_a
  std::vector<double> g[3][3];
  for (int c = 0; c < 3; ++c)
    for (int a = 0; a < 3; ++a)
      derivative(g[c][a], ArrayRef(velocity.data + static_cast<std::size_t>(c) * np, np), grid, a);
  if (vorticity) {
    vorticity->resize(3 * np);
    for (std::size_t p = 0; p < np; ++p) {
      (*vorticity)[p] = g[2][1][p] - g[1][2][p];
      (*vorticity)[np + p] = g[0][2][p] - g[2][0][p];
      (*vorticity)[2 * np + p] = g[1][0][p] - g[0][1][p];
    }
  }
  if (q) {
    q->resize(np);
    for (std::size_t p = 0; p < np; ++p) {
      double s2 = 0.0, o2 = 0.0;
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) {
          const double s = 0.5 * (g[i][j][p] + g[j][i][p]);
          const double o = 0.5 * (g[i][j][p] - g[j][i][p]);
          s2 += s * s;
          o2 += o * o;
        }
      (*q)[p] = 0.5 * (o2 - s2);
    }
  }
}

}  // namespace eddyop::postprocess
