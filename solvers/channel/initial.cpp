#include "solvers/channel/initial.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#include "core/error.hpp"
#include "core/hdf5/reader.hpp"

namespace eddyop::solvers::channel {

namespace {

constexpr const char* kC = "channel";
const char* const kNames[4] = {"u", "v", "w", "p"};

int wrap(long i, int n) {
  const long m = i % n;
  return static_cast<int>(m < 0 ? m + n : m);
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s.empty() ? "none" : s;
}

// The metadata of the dataset, checked against p; the reader stays open for the data.
struct Meta {
  h5::Reader in;
  h5::Shape shape;  // (trajectory, time, x, y, z)
  std::vector<double> y_face;
  double lx = 0, ly = 0, lz = 0;
  explicit Meta(const std::string& path) : in(path) {}
};

bool same_length(double a, double b) {
  return std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b));
}

std::unique_ptr<Meta> inspect(const ChannelParams& p) {
  const std::string& path = p.initial_dataset;
  EDDYOP_CHECK_HINT(std::filesystem::exists(path), kC,
                    "initial_dataset '" << path << "' does not exist",
                    "give the dataset.h5 of a channel run (a path relative to the working "
                    "directory), or leave initial_dataset empty");
  auto m = std::make_unique<Meta>(path);
  h5::Reader& in = m->in;
  in.expect_kind("dataset");
  const std::string where = "initial_dataset '" + path + "'";
  for (const char* n : kNames) {
    EDDYOP_CHECK_HINT(
        in.has_field(n), kC,
        where << " has no field /fields/" << n << " (its fields: " << join(in.fields()) << ")",
        "it must hold u, v, w, p (trajectory, time, x, y, z) as a channel run "
        "writes them");
    const h5::FieldInfo f = in.field(n);
    EDDYOP_CHECK_HINT(f.shape.size() == 5 && f.axes == "trajectory,time,x,y,z", kC,
                      where << ": /fields/" << n << " has axes (" << f.axes << ") and shape "
                            << h5::format_shape(f.shape)
                            << " but (trajectory, time, x, y, z) was expected",
                      "give the dataset.h5 (the coarse, filtered fields) of a channel run");
    if (m->shape.empty()) m->shape = f.shape;
    EDDYOP_CHECK(f.shape == m->shape, kC,
                 where << ": /fields/" << n << " has shape " << h5::format_shape(f.shape)
                       << " but /fields/u has " << h5::format_shape(m->shape));
  }
  const h5::Shape& s = m->shape;
  EDDYOP_CHECK_HINT(
      p.initial_trajectory + p.trajectories <= s[0], kC,
      "initial_trajectory = " << p.initial_trajectory << " with trajectories = " << p.trajectories
                              << " needs trajectories " << p.initial_trajectory << ".."
                              << p.initial_trajectory + p.trajectories - 1 << " of " << where
                              << ", but /fields/u has " << s[0] << " (shape " << h5::format_shape(s)
                              << ")",
      "trajectory r starts from trajectory initial_trajectory + r; lower one of them");
  EDDYOP_CHECK_HINT(p.initial_step < s[1], kC,
                    "initial_step = " << p.initial_step << " but /fields/u of " << where << " has "
                                      << s[1] << " time steps (0.." << s[1] - 1 << ", shape "
                                      << h5::format_shape(s) << ")",
                    "initial_step is an index along the dataset's time axis");
  EDDYOP_CHECK(s[2] >= 1 && s[3] >= 1 && s[4] >= 1, kC,
               where << ": /fields/u has an empty axis, shape " << h5::format_shape(s));

  const std::vector<std::string> coords = in.coordinates();
  for (const char* c : {"x", "y_face", "z"})
    EDDYOP_CHECK_HINT(
        contains(coords, c), kC,
        where << " has no coordinate /grid/" << c << " (its coordinates: " << join(coords) << ")",
        "a channel dataset has /grid/x, y, y_face, z, t");
  const std::vector<double> x = in.read_coordinate("x"), z = in.read_coordinate("z");
  m->y_face = in.read_coordinate("y_face");
  EDDYOP_CHECK(static_cast<long>(x.size()) == s[2] && static_cast<long>(z.size()) == s[4] &&
                   static_cast<long>(m->y_face.size()) == s[3] + 1,
               kC,
               where << ": /grid/x, y_face, z have " << x.size() << ", " << m->y_face.size() << ", "
                     << z.size() << " points but /fields/u of shape " << h5::format_shape(s)
                     << " needs " << s[2] << ", " << s[3] + 1 << ", " << s[4]);
  const std::string ph = h5::kPhysicsGroup;
  m->lx = in.read_double(ph, "lx");
  m->ly = in.read_double(ph, "ly");
  m->lz = in.read_double(ph, "lz");
  EDDYOP_CHECK_HINT(
      same_length(m->lx, p.lx) && same_length(m->ly, p.ly) && same_length(m->lz, p.lz), kC,
      where << " is a " << m->lx << " x " << m->ly << " x " << m->lz << " box but the case's is "
            << p.lx << " x " << p.ly << " x " << p.lz,
      "set channel.lx, ly, lz as in the run that wrote it");
  // Cell-centred x and z, walls at 0 and ly: the layout run_channel writes.
  const double dx = m->lx / static_cast<double>(s[2]), dz = m->lz / static_cast<double>(s[4]);
  EDDYOP_CHECK(
      std::abs(x[0] - 0.5 * dx) <= 1e-9 * m->lx && std::abs(z[0] - 0.5 * dz) <= 1e-9 * m->lz, kC,
      where << ": /grid/x and z start at " << x[0] << " and " << z[0] << " but cell centres "
            << 0.5 * dx << " and " << 0.5 * dz << " were expected");
  const std::vector<double>& f = m->y_face;
  bool increasing = true;
  for (std::size_t j = 1; j < f.size(); ++j) increasing = increasing && f[j] > f[j - 1];
  EDDYOP_CHECK(increasing && std::abs(f.front()) <= 1e-12 * m->ly &&
                   std::abs(f.back() - m->ly) <= 1e-12 * m->ly,
               kC,
               where << ": /grid/y_face must increase from the wall at 0 to the wall at " << m->ly
                     << " (it goes from " << f.front() << " to " << f.back() << ")");
  return m;
}

double sampling_interval(const Meta& m) {
  const std::string ph = h5::kPhysicsGroup;
  return contains(m.in.attribute_names(ph), "sampling_interval")
             ? m.in.read_double(ph, "sampling_interval")
             : 0.0;
}

// /grid/t at `step`, or step × sampling_interval for a dataset without times.
double snapshot_time(const Meta& m, int step) {
  if (contains(m.in.coordinates(), "t")) {
    const std::vector<double> t = m.in.read_coordinate("t");
    if (static_cast<long>(t.size()) == m.shape[1]) return t[step];
  }
  return step * sampling_interval(m);
}

// Linear interpolation weights at y between data centres yd (with the walls at 0 and ly).
std::vector<std::pair<int, double>> linear_y(const std::vector<double>& yd, double ly, double y,
                                             bool zero_wall) {
  const int n = static_cast<int>(yd.size());
  const double tol = 1e-12 * ly;
  if (y <= yd[0] + tol) {
    if (std::abs(y - yd[0]) <= tol || !zero_wall) return {{0, 1.0}};
    return {{0, y / yd[0]}};  // 0 on the wall
  }
  if (y >= yd[n - 1] - tol) {
    if (std::abs(y - yd[n - 1]) <= tol || !zero_wall) return {{n - 1, 1.0}};
    return {{n - 1, (ly - y) / (ly - yd[n - 1])}};
  }
  const int j = static_cast<int>(std::upper_bound(yd.begin(), yd.end(), y) - yd.begin()) - 1;
  if (std::abs(y - yd[j]) <= tol) return {{j, 1.0}};
  if (std::abs(y - yd[j + 1]) <= tol) return {{j + 1, 1.0}};
  const double a = (y - yd[j]) / (yd[j + 1] - yd[j]);
  return {{j, 1.0 - a}, {j + 1, a}};
}

// Average of the piecewise-constant data (cells between faces fd) over [a, b].
std::vector<std::pair<int, double>> box_y(const std::vector<double>& fd, double a, double b) {
  std::vector<std::pair<int, double>> r;
  for (std::size_t j = 0; j + 1 < fd.size(); ++j) {
    const double o = std::min(b, fd[j + 1]) - std::max(a, fd[j]);
    if (o > 1e-14 * (b - a)) r.emplace_back(static_cast<int>(j), o / (b - a));
  }
  return r;
}

}  // namespace

AxisMap periodic_map(int n_data, int n, bool face) {
  AxisMap rows(n);
  const double h = static_cast<double>(n_data) / n;  // solver cell in data cells
  for (int i = 0; i < n; ++i) {
    const double x = (i + (face ? 1.0 : 0.5)) * h;  // target, in data cells
    if (n_data <= n) {
      const double s = x - 0.5;
      const long i0 = static_cast<long>(std::floor(s));
      const double a = s - static_cast<double>(i0);
      if (a < 1e-12)
        rows[i] = {{wrap(i0, n_data), 1.0}};
      else if (a > 1.0 - 1e-12)
        rows[i] = {{wrap(i0 + 1, n_data), 1.0}};
      else
        rows[i] = {{wrap(i0, n_data), 1.0 - a}, {wrap(i0 + 1, n_data), a}};
    } else {
      const double lo = x - 0.5 * h, hi = x + 0.5 * h;
      for (long j = static_cast<long>(std::floor(lo)); static_cast<double>(j) < hi; ++j) {
        const double o =
            std::min(hi, static_cast<double>(j + 1)) - std::max(lo, static_cast<double>(j));
        if (o > 1e-12) rows[i].emplace_back(wrap(j, n_data), o / h);
      }
    }
  }
  return rows;
}

AxisMap wall_map(const std::vector<double>& data_faces, const std::vector<double>& faces, bool face,
                 bool zero_wall) {
  const int nd = static_cast<int>(data_faces.size()) - 1, n = static_cast<int>(faces.size()) - 1;
  const double ly = faces.back();
  std::vector<double> yd(nd), yc(n);
  for (int j = 0; j < nd; ++j) yd[j] = 0.5 * (data_faces[j] + data_faces[j + 1]);
  for (int j = 0; j < n; ++j) yc[j] = 0.5 * (faces[j] + faces[j + 1]);
  AxisMap rows(face ? n - 1 : n);
  for (int r = 0; r < static_cast<int>(rows.size()); ++r) {
    if (n >= nd)  // as fine or finer: interpolate to the position
      rows[r] = linear_y(yd, ly, face ? faces[r + 1] : yc[r], zero_wall);
    else  // coarser: average over the control volume
      rows[r] =
          face ? box_y(data_faces, yc[r], yc[r + 1]) : box_y(data_faces, faces[r], faces[r + 1]);
  }
  return rows;
}

double check_initial_dataset(const ChannelParams& p) {
  const std::unique_ptr<Meta> m = inspect(p);
  return snapshot_time(*m, p.initial_step);
}

DatasetSnapshot read_dataset_snapshot(const ChannelParams& p, int trajectory) {
  const std::unique_ptr<Meta> m = inspect(p);
  const h5::Reader& in = m->in;
  const h5::Shape& s = m->shape;
  EDDYOP_CHECK(trajectory >= 0 && trajectory < s[0], kC,
               "initial_dataset '" << p.initial_dataset << "' has no trajectory " << trajectory
                                   << " (shape " << h5::format_shape(s) << ")");
  DatasetSnapshot snap;
  snap.path = p.initial_dataset;
  snap.trajectories = static_cast<int>(s[0]);
  snap.times = static_cast<int>(s[1]);
  snap.nx = static_cast<int>(s[2]);
  snap.ncy = static_cast<int>(s[3]);
  snap.nz = static_cast<int>(s[4]);
  snap.lx = m->lx;
  snap.ly = m->ly;
  snap.lz = m->lz;
  snap.y_face = m->y_face;
  snap.sampling_interval = sampling_interval(*m);
  snap.time = snapshot_time(*m, p.initial_step);
  const long cells = static_cast<long>(snap.nx) * snap.ncy * snap.nz;
  std::vector<double>* out[4] = {&snap.u, &snap.v, &snap.w, &snap.p};
  std::vector<double> buf;
  for (int f = 0; f < 4; ++f) {
    in.read_slab(buf, kNames[f], trajectory, 1, h5::Convert::kYes);  // (1, time, x, y, z)
    const auto first = buf.begin() + p.initial_step * cells;
    out[f]->assign(first, first + cells);
    for (double x : *out[f])
      EDDYOP_CHECK(std::isfinite(x), kC,
                   "initial_dataset '" << p.initial_dataset << "': /fields/" << kNames[f]
                                       << " holds a NaN or Inf at trajectory " << trajectory
                                       << ", time index " << p.initial_step);
  }
  return snap;
}

void map_snapshot(const DatasetSnapshot& snap, const ChannelSolver& s, std::vector<double>& u,
                  std::vector<double>& v, std::vector<double>& w, std::vector<double>& p) {
  const Grid& g = s.grid();
  const std::vector<double> faces = tanh_faces(g.ncy, g.ly, s.params().stretching);
  const int X = snap.nx, Y = snap.ncy, Z = snap.nz;
  const std::vector<double>* in[4] = {&snap.u, &snap.v, &snap.w, &snap.p};
  std::vector<double>* out[4] = {&u, &v, &w, &p};
  std::vector<double> a1, a2;
  for (int c = 0; c < 4; ++c) {
    const AxisMap mx = periodic_map(X, g.nx, c == 0);
    const AxisMap my = wall_map(snap.y_face, faces, c == 1, c != 3);
    const AxisMap mz = periodic_map(Z, g.nz, c == 2);
    const int ny = static_cast<int>(my.size());
    const std::vector<double>& d = *in[c];
    // x: (X, Y, Z) -> (nx, Y, Z)
    a1.assign(static_cast<std::size_t>(g.nx) * Y * Z, 0.0);
    for (int i = 0; i < g.nx; ++i)
      for (const auto& [I, wt] : mx[i])
        for (long q = 0; q < static_cast<long>(Y) * Z; ++q)
          a1[static_cast<long>(i) * Y * Z + q] += wt * d[static_cast<long>(I) * Y * Z + q];
    // y: (nx, Y, Z) -> (nx, ny, Z)
    a2.assign(static_cast<std::size_t>(g.nx) * ny * Z, 0.0);
    for (int i = 0; i < g.nx; ++i)
      for (int j = 0; j < ny; ++j)
        for (const auto& [J, wt] : my[j])
          for (int k = 0; k < Z; ++k)
            a2[(static_cast<long>(i) * ny + j) * Z + k] +=
                wt * a1[(static_cast<long>(i) * Y + J) * Z + k];
    // z, this rank's planes: (nx, ny, Z) -> (nzl, ncy, nx); v on the top wall stays 0.
    std::vector<double>& o = *out[c];
    o.assign(static_cast<std::size_t>(g.nzl) * g.ncy * g.nx, 0.0);
    for (int k = 0; k < g.nzl; ++k)
      for (const auto& [K, wt] : mz[g.z0 + k])
        for (int j = 0; j < ny; ++j)
          for (int i = 0; i < g.nx; ++i)
            o[(static_cast<long>(k) * g.ncy + j) * g.nx + i] +=
                wt * a2[(static_cast<long>(i) * ny + j) * Z + K];
  }
}

void set_state_from_snapshot(ChannelSolver& s, const DatasetSnapshot& snap) {
  std::vector<double> u, v, w, p;
  map_snapshot(snap, s, u, v, w, p);
  s.set_state(u, v, w, p, snap.time);
  s.project();
}

}  // namespace eddyop::solvers::channel
