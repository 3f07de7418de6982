#include "postprocess/grid.hpp"

#include <cmath>
#include <utility>

#include "core/error.hpp"

namespace eddyop::postprocess {

namespace {
std::vector<double> uniform_nodes(std::size_t n, double length) {
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i)
    x[i] = length * static_cast<double>(i) / static_cast<double>(n);
  return x;
}
}  // namespace

RectGrid channel_grid(std::size_t nx, std::size_t nz, double lx, double lz, std::vector<double> y) {
  RectGrid g;
  g.coords = {uniform_nodes(nx, lx), std::move(y), uniform_nodes(nz, lz)};
  g.periodic = {true, false, true};
  g.period = {lx, 0.0, lz};
  validate_grid(g, "postprocess");
  return g;
}

RectGrid periodic_box(std::array<std::size_t, 3> n, std::array<double, 3> length) {
  RectGrid g;
  for (int a = 0; a < 3; ++a) {
    g.coords[a] = uniform_nodes(n[a], length[a]);
    g.periodic[a] = true;
    g.period[a] = length[a];
  }
  validate_grid(g, "postprocess");
  return g;
}

void validate_grid(const RectGrid& grid, const char* component) {
  static const char* names[3] = {"x", "y", "z"};
  for (int a = 0; a < 3; ++a) {
    const auto& c = grid.coords[a];
    EDDYOP_CHECK(!c.empty(), component, "grid axis " << names[a] << " has no nodes");
    if (grid.periodic[a]) {
      EDDYOP_CHECK(grid.period[a] > 0.0 || c.size() == 1, component,
                   "periodic axis " << names[a] << " has length " << grid.period[a]
                                    << "; it must be positive");
    }
    for (std::size_t i = 1; i < c.size(); ++i) {
      EDDYOP_CHECK(c[i] > c[i - 1], component,
                   "grid coordinates along " << names[a] << " must increase: " << names[a] << "["
                                             << i << "] = " << c[i] << " after " << c[i - 1]);
    }
  }
}

void check_size(ArrayRef array, std::size_t expected, const char* component, const char* what) {
  EDDYOP_CHECK_HINT(array.data != nullptr || expected == 0, component, what << " is missing",
                    "pass the array, or leave the option that needs it off");
  EDDYOP_CHECK_HINT(array.size == expected, component,
                    what << " holds " << array.size << " values but the grid needs " << expected,
                    "the field's shape does not match the grid");
}

std::size_t nearest_index(const std::vector<double>& coords, double value) {
  EDDYOP_CHECK(!coords.empty(), "postprocess", "nearest_index: no coordinates");
  std::size_t best = 0;
  for (std::size_t i = 1; i < coords.size(); ++i) {
    if (std::abs(coords[i] - value) < std::abs(coords[best] - value)) best = i;
  }
  return best;
}

}  // namespace eddyop::postprocess
