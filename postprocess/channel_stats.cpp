#include "postprocess/channel_stats.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/error.hpp"

namespace eddyop::postprocess {

namespace {

// The quadratic through (x[a], x[a+1], x[a+2]) and its derivative, at `at`.
double lagrange3(const double* x, const double* f, double at) {
  const double l0 = (at - x[1]) * (at - x[2]) / ((x[0] - x[1]) * (x[0] - x[2]));
  const double l1 = (at - x[0]) * (at - x[2]) / ((x[1] - x[0]) * (x[1] - x[2]));
  const double l2 = (at - x[0]) * (at - x[1]) / ((x[2] - x[0]) * (x[2] - x[1]));
  return l0 * f[0] + l1 * f[1] + l2 * f[2];
}
double lagrange3_derivative(const double* x, const double* f, double at) {
  const double d0 = ((at - x[1]) + (at - x[2])) / ((x[0] - x[1]) * (x[0] - x[2]));
  const double d1 = ((at - x[0]) + (at - x[2])) / ((x[1] - x[0]) * (x[1] - x[2]));
  const double d2 = ((at - x[0]) + (at - x[1])) / ((x[2] - x[0]) * (x[2] - x[1]));
  return d0 * f[0] + d1 * f[1] + d2 * f[2];
}

double integrate_quadratic(const double* x, const double* f, double a, double b) {
  // Two-point Gauss-Legendre: exact for cubics, so for the quadratic interpolant.
  const double mid = 0.5 * (a + b), half = 0.5 * (b - a), g = half / std::sqrt(3.0);
  return half * (lagrange3(x, f, mid - g) + lagrange3(x, f, mid + g));
}

// The options with the walls filled in, after checking nu and that the y nodes lie between the
// walls, symmetric about the centreline.
ChannelStatsOptions checked_walls(const std::vector<double>& y, ChannelStatsOptions options) {
  EDDYOP_CHECK(options.nu > 0.0, "channel-stats",
               "the viscosity nu = " << options.nu << " must be positive");
  const std::size_t ny = y.size();
  EDDYOP_CHECK(ny >= 3, "channel-stats", "the channel needs at least 3 y nodes, not " << ny);
  if (std::isnan(options.y_bottom)) options.y_bottom = y.front();
  if (std::isnan(options.y_top)) options.y_top = y.back();
  const double yb = options.y_bottom, yt = options.y_top;
  EDDYOP_CHECK(yb <= y.front() && yt >= y.back() && yt > yb, "channel-stats",
               "the walls y_bottom = " << yb << " and y_top = " << yt
                                       << " must enclose the y nodes " << y.front() << " .. "
                                       << y.back());
  const double span = yt - yb;
  for (std::size_t j = 0; j < ny; ++j) {
    const double asym = std::abs((y[j] - yb) - (yt - y[ny - 1 - j]));
    EDDYOP_CHECK_HINT(asym <= 1e-9 * span, "channel-stats",
                      "the y grid is not symmetric about the centreline: node "
                          << j << " is " << y[j] - yb << " from the bottom wall but its mirror "
                          << ny - 1 - j << " is " << yt - y[ny - 1 - j] << " from the top wall",
                      "both halves are averaged, which needs mirrored nodes");
  }
  return options;
}

}  // namespace

std::vector<double> derivative_nonuniform(const std::vector<double>& y,
                                          const std::vector<double>& f) {
  const std::size_t n = y.size();
  EDDYOP_CHECK(n >= 3 && f.size() == n, "channel-stats",
               "a derivative needs at least 3 nodes and one value per node (nodes "
                   << n << ", values " << f.size() << ")");
  std::vector<double> d(n);
  for (std::size_t j = 0; j < n; ++j) {
    const std::size_t s = j == 0 ? 0 : (j == n - 1 ? n - 3 : j - 1);
    d[j] = lagrange3_derivative(&y[s], &f[s], y[j]);
  }
  return d;
}

double integrate_nonuniform(const std::vector<double>& y, const std::vector<double>& f) {
  const std::size_t n = y.size();
  EDDYOP_CHECK(n >= 3 && f.size() == n, "channel-stats",
               "an integral needs at least 3 nodes and one value per node");
  double sum = 0.0;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    double left = 0.0, right = 0.0;
    int count = 0;
    if (i >= 1) {
      left = integrate_quadratic(&y[i - 1], &f[i - 1], y[i], y[i + 1]);
      ++count;
    }
    if (i + 2 < n) {
      right = integrate_quadratic(&y[i], &f[i], y[i], y[i + 1]);
      ++count;
    }
    sum += (left + right) / count;
  }
  return sum;
}

double interpolate_linear(const std::vector<double>& xs, const std::vector<double>& f, double x) {
  EDDYOP_CHECK(!xs.empty() && xs.size() == f.size(), "postprocess",
               "interpolation needs matching, non-empty nodes and values");
  if (x <= xs.front()) return f.front();
  if (x >= xs.back()) return f.back();
  const auto it = std::upper_bound(xs.begin(), xs.end(), x);
  const std::size_t i = static_cast<std::size_t>(it - xs.begin());
  const double w = (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
  return (1.0 - w) * f[i - 1] + w * f[i];
}

ChannelStats channel_statistics(const RectGrid& grid, ArrayRef velocity, std::size_t nt,
                                const ChannelStatsOptions& options) {
  ChannelStatsAccumulator acc(grid, options);
  acc.add(velocity, nt);
  return acc.result();
}

ChannelStatsAccumulator::ChannelStatsAccumulator(RectGrid grid, ChannelStatsOptions options)
    : grid_(std::move(grid)) {
  validate_grid(grid_, "channel-stats");
  EDDYOP_CHECK_HINT(grid_.periodic[0] && grid_.periodic[2] && !grid_.periodic[1], "channel-stats",
                    "a channel grid is periodic in x and z and wall-bounded in y",
                    "build it with channel_grid()");
  options_ = checked_walls(grid_.coords[1], options);
  const std::size_t ny = grid_.n(1);
  sum_.assign(3 * ny, 0.0);
  sum2_.assign(4 * ny, 0.0);
}

void ChannelStatsAccumulator::add(ArrayRef velocity, std::size_t nt) {
  EDDYOP_CHECK(nt >= 1, "channel-stats", "at least one sample is needed (nt = " << nt << ")");
  const std::size_t nx = grid_.n(0), ny = grid_.n(1), nz = grid_.n(2);
  check_size(velocity, nt * 3 * grid_.points(), "channel-stats",
             "the velocity (nt, 3, nx, ny, nz)");
  auto at = [&](std::size_t t, std::size_t c, std::size_t i, std::size_t j, std::size_t k) {
    return velocity[(((t * 3 + c) * nx + i) * ny + j) * nz + k];
  };
  if (shift_.empty()) {
    // Moments about the first slab's means keep the sums free of cancellation.
    shift_.assign(3 * ny, 0.0);
    for (std::size_t c = 0; c < 3; ++c)
      for (std::size_t j = 0; j < ny; ++j) {
        double s = 0.0;
        for (std::size_t t = 0; t < nt; ++t)
          for (std::size_t i = 0; i < nx; ++i)
            for (std::size_t k = 0; k < nz; ++k) s += at(t, c, i, j, k);
        shift_[c * ny + j] = s / static_cast<double>(nt * nx * nz);
      }
  }
  for (std::size_t j = 0; j < ny; ++j)
    for (std::size_t t = 0; t < nt; ++t)
      for (std::size_t i = 0; i < nx; ++i)
        for (std::size_t k = 0; k < nz; ++k) {
          const double u = at(t, 0, i, j, k) - shift_[j];
          const double v = at(t, 1, i, j, k) - shift_[ny + j];
          const double w = at(t, 2, i, j, k) - shift_[2 * ny + j];
          sum_[j] += u;
          sum_[ny + j] += v;
          sum_[2 * ny + j] += w;
          sum2_[j] += u * u;
          sum2_[ny + j] += v * v;
          sum2_[2 * ny + j] += w * w;
          sum2_[3 * ny + j] += u * v;
        }
  samples_ += nt;
}

namespace {

// The folding and the wall units of channel_statistics_from_moments, for options already checked.
ChannelStats fold_moments(const ChannelMoments& moments, std::size_t nt,
                          const ChannelStatsOptions& options) {
  const std::vector<double>& y = moments.y;
  const double yb = options.y_bottom, yt = options.y_top, span = yt - yb;

  // Profiles with the walls as nodes (no slip: every statistic is 0 there).
  std::vector<double> ya = y;
  std::vector<std::vector<double>> prof = {moments.u,  moments.v,  moments.w, moments.uu,
                                           moments.vv, moments.ww, moments.uv};
  const bool add_bottom = y.front() > yb, add_top = y.back() < yt;
  if (add_bottom) {
    ya.insert(ya.begin(), yb);
    for (auto& p : prof) p.insert(p.begin(), 0.0);
  }
  if (add_top) {
    ya.push_back(yt);
    for (auto& p : prof) p.push_back(0.0);
  }
  const std::size_t na = ya.size();
  const std::vector<double> dudy = derivative_nonuniform(ya, prof[0]);

  ChannelStats s;
  s.nu = options.nu;
  s.h = 0.5 * span;
  s.samples = nt;
  s.tau_wall_bottom = options.nu * dudy.front();
  s.tau_wall_top = -options.nu * dudy.back();
  s.tau_wall = 0.5 * (s.tau_wall_bottom + s.tau_wall_top);
  EDDYOP_CHECK_HINT(s.tau_wall > 0.0, "channel-stats",
                    "the mean wall shear stress " << s.tau_wall << " (bottom " << s.tau_wall_bottom
                                                  << ", top " << s.tau_wall_top
                                                  << ") is not positive",
                    "component 0 of the velocity must be the streamwise one, flowing in +x");
  s.u_tau = std::sqrt(s.tau_wall);
  s.re_tau = s.u_tau * s.h / options.nu;
  s.u_bulk = integrate_nonuniform(ya, prof[0]) / span;
  {
    // U at the centre from the quadratic through the three nearest nodes.
    const double yc = yb + s.h;
    std::size_t c = nearest_index(ya, yc);
    c = std::min(std::max<std::size_t>(c, 1), na - 2) - 1;
    s.u_centre = lagrange3(&ya[c], &prof[0][c], yc);
  }
  s.u_bulk_plus = s.u_bulk / s.u_tau;
  s.u_centre_plus = s.u_centre / s.u_tau;
  s.cf = s.tau_wall / (0.5 * s.u_bulk * s.u_bulk);

  // Fold: node j and its mirror na-1-j (the centre node, if any, is its own mirror).
  const std::size_t nh = (na + 1) / 2;
  for (std::size_t j = 0; j < nh; ++j) {
    const std::size_t m = na - 1 - j;
    auto even = [&](const std::vector<double>& f) { return 0.5 * (f[j] + f[m]); };
    auto odd = [&](const std::vector<double>& f) { return 0.5 * (f[j] - f[m]); };
    s.y.push_back(ya[j] - yb);
    s.u_mean.push_back(even(prof[0]));
    s.v_mean.push_back(odd(prof[1]));
    s.w_mean.push_back(even(prof[2]));
    s.dudy.push_back(odd(dudy));
    s.u_rms.push_back(std::sqrt(std::max(0.0, even(prof[3]))));
    s.v_rms.push_back(std::sqrt(std::max(0.0, even(prof[4]))));
    s.w_rms.push_back(std::sqrt(std::max(0.0, even(prof[5]))));
    s.uv.push_back(odd(prof[6]));
    s.total_stress.push_back(options.nu * s.dudy.back() - s.uv.back());
  }
  const double ut = s.u_tau, ut2 = s.tau_wall;
  for (std::size_t j = 0; j < nh; ++j) {
    s.y_plus.push_back(s.y[j] * ut / options.nu);
    s.u_plus.push_back(s.u_mean[j] / ut);
    s.u_rms_plus.push_back(s.u_rms[j] / ut);
    s.v_rms_plus.push_back(s.v_rms[j] / ut);
    s.w_rms_plus.push_back(s.w_rms[j] / ut);
    s.uv_plus.push_back(s.uv[j] / ut2);
    s.total_stress_plus.push_back(s.total_stress[j] / ut2);
  }
  s.y_full = y;
  s.u_full = moments.u;
  s.uu_full = moments.uu;
  s.vv_full = moments.vv;
  s.ww_full = moments.ww;
  s.uv_full = moments.uv;
  return s;
}

}  // namespace

ChannelStats channel_statistics_from_moments(const ChannelMoments& m, std::size_t samples,
                                             const ChannelStatsOptions& options) {
  const std::size_t ny = m.y.size();
  for (const auto* p : {&m.u, &m.v, &m.w, &m.uu, &m.vv, &m.ww, &m.uv})
    EDDYOP_CHECK(p->size() == ny, "channel-stats",
                 "a profile has " << p->size() << " values for " << ny << " y nodes");
  EDDYOP_CHECK(samples >= 1, "channel-stats", "no samples were added");
  return fold_moments(m, samples, checked_walls(m.y, options));
}

ChannelStats ChannelStatsAccumulator::result() const {
  EDDYOP_CHECK(samples_ >= 1, "channel-stats", "no samples were added");
  const std::size_t ny = grid_.n(1);
  const double count = static_cast<double>(samples_ * grid_.n(0) * grid_.n(2));
  ChannelMoments m;
  m.y = grid_.coords[1];
  std::vector<double>* mean[3] = {&m.u, &m.v, &m.w};
  for (std::size_t c = 0; c < 3; ++c) {
    mean[c]->resize(ny);
    for (std::size_t j = 0; j < ny; ++j)
      (*mean[c])[j] = shift_[c * ny + j] + sum_[c * ny + j] / count;
  }
  m.uu.resize(ny);
  m.vv.resize(ny);
  m.ww.resize(ny);
  m.uv.resize(ny);
  for (std::size_t j = 0; j < ny; ++j) {
    const double du = sum_[j] / count, dv = sum_[ny + j] / count, dw = sum_[2 * ny + j] / count;
    m.uu[j] = sum2_[j] / count - du * du;
    m.vv[j] = sum2_[ny + j] / count - dv * dv;
    m.ww[j] = sum2_[2 * ny + j] / count - dw * dw;
    m.uv[j] = sum2_[3 * ny + j] / count - du * dv;
  }
  return fold_moments(m, samples_, options_);
}

}  // namespace eddyop::postprocess
