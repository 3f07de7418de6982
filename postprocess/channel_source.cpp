#include "postprocess/channel_source.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.hpp"
#include "core/hdf5/reader.hpp"
#include "core/strings.hpp"

namespace eddyop::postprocess {

namespace {

constexpr const char* kComponent = "io";

std::vector<std::string> split_axes(const std::string& text) {
  return split(text, ',');
}

bool is_time_name(const std::string& n) {
  return n == "time" || n == "t" || n == "step";
}
bool is_component_name(const std::string& n) {
  return n == "c" || n == "component" || n == "comp";
}

bool has_attribute(const h5::Reader& in, const std::string& object, const std::string& name) {
  const auto names = in.attribute_names(object);
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The first of `names` that /physics has, or "" when none.
std::string physics_name(const h5::Reader& in, const std::vector<std::string>& names) {
  for (const auto& n : names)
    if (has_attribute(in, h5::kPhysicsGroup, n)) return n;
  return {};
}

bool has_coordinate(const h5::Reader& in, const std::string& name) {
  const auto c = in.coordinates();
  return std::find(c.begin(), c.end(), name) != c.end();
}

// The period of periodic axis `axis` ("x" or "z") of n nodes: from the coordinates (uniform,
// L = n dx) and/or /physics L<axis> or l<axis>, which must agree when both are given.
double period_of(const h5::Reader& in, const std::string& axis, std::size_t n) {
  std::string upper = axis;
  upper[0] = static_cast<char>(std::toupper(upper[0]));
  const std::string attr = physics_name(in, {"L" + axis, "l" + axis});
  double from_attr = attr.empty() ? 0.0 : in.read_double(h5::kPhysicsGroup, attr);
  if (!has_coordinate(in, axis)) {
    EDDYOP_CHECK_HINT(!attr.empty(), kComponent,
                      "'" << in.path() << "': no /grid/" << axis << " and no /physics L" << axis
                          << " (or l" << axis << "), so the period of " << axis << " is unknown",
                      "write the coordinate or the attribute L" << axis);
    return from_attr;
  }
  const std::vector<double> c = in.read_coordinate(axis);
  EDDYOP_CHECK(c.size() == n, kComponent,
               "'" << in.path() << "': /grid/" << axis << " has " << c.size()
                   << " nodes but the fields have " << n << " along " << axis);
  if (n == 1) {
    EDDYOP_CHECK(!attr.empty(), kComponent,
                 "'" << in.path() << "': one node along " << axis << " and no /physics L" << axis);
    return from_attr;
  }
  const double dx = c[1] - c[0];
  for (std::size_t i = 1; i < n; ++i)
    EDDYOP_CHECK_HINT(std::abs((c[i] - c[i - 1]) - dx) <= 1e-6 * std::abs(dx), kComponent,
                      "'" << in.path() << "': /grid/" << axis << " is not uniform (spacing "
                          << c[i] - c[i - 1] << " at node " << i << ", " << dx << " at node 1)",
                      axis << " must be a periodic, uniform axis");
  const double from_grid = dx * static_cast<double>(n);
  if (!attr.empty()) {
    EDDYOP_CHECK_HINT(std::abs(from_attr - from_grid) <= 1e-6 * from_attr, kComponent,
                      "'" << in.path() << "': /physics " << attr << " = " << from_attr
                          << " but /grid/" << axis << " has " << n << " nodes " << dx
                          << " apart (period " << from_grid << ")",
                      "a periodic axis stores n nodes x0 + i L/n, without the image at x0 + L");
    return from_attr;
  }
  return from_grid;
}

}  // namespace

ChannelSource::ChannelSource(std::string path) : path_(std::move(path)) {
  h5::Reader in(path_);
  kind_ = in.kind();

  // Fields: u, v, w or velocity; p or pressure.
  const auto present = in.fields();
  auto part_of = [&](const std::string& name, bool vector) {
    const h5::FieldInfo f = in.field(name);
    Part part;
    part.name = name;
    part.shape.assign(f.shape.begin(), f.shape.end());
    const auto names = split_axes(f.axes);
    EDDYOP_CHECK_HINT(names.size() == f.shape.size(), kComponent,
                      "'" << path_ << "': /fields/" << name << " has " << f.shape.size()
                          << " axes but its axes attribute names " << names.size() << " ('"
                          << f.axes << "')",
                      "the axes attribute names every axis, e.g. \"trajectory,time,x,y,z\"");
    int seen[4] = {0, 0, 0, 0};  // component, x, y, z
    bool trailing = false;
    std::vector<std::string> leading;
    std::vector<std::size_t> leading_shape;
    for (std::size_t a = 0; a < names.size(); ++a) {
      const std::string& n = names[a];
      Role r = Role::leading;
      if (n == "x") r = Role::x;
      if (n == "y") r = Role::y;
      if (n == "z") r = Role::z;
      if (vector && is_component_name(n)) r = Role::component;
      if (r == Role::leading) {
        EDDYOP_CHECK_HINT(!trailing, kComponent,
                          "'" << path_ << "': /fields/" << name << " has axes '" << f.axes
                              << "': axis '" << n << "' comes after a spatial axis",
                          "sample-like axes (trajectory, time, sample) must come first");
        leading.push_back(n);
        leading_shape.push_back(part.shape[a]);
      } else {
        trailing = true;
        ++seen[static_cast<int>(r) - 1];
      }
      part.roles.push_back(r);
    }
    EDDYOP_CHECK_HINT(
        seen[1] == 1 && seen[2] == 1 && seen[3] == 1 && seen[0] == (vector ? 1 : 0), kComponent,
        "'" << path_ << "': /fields/" << name << " has axes '" << f.axes
            << "' but needs x, y and z once each" << (vector ? " and one component axis (c)" : ""),
        "name the axes in the field's axes attribute");
    if (vector) {
      for (std::size_t a = 0; a < names.size(); ++a)
        if (part.roles[a] == Role::component)
          EDDYOP_CHECK(part.shape[a] == 3, kComponent,
                       "'" << path_ << "': /fields/" << name << " has " << part.shape[a]
                           << " components along '" << names[a] << "'; a velocity has 3");
    }
    if (velocity_.empty() && pressure_.name.empty()) {
      leading_names_ = leading;
      leading_shape_ = leading_shape;
    } else {
      EDDYOP_CHECK(leading == leading_names_ && leading_shape == leading_shape_, kComponent,
                   "'" << path_ << "': /fields/" << name << " has leading axes '"
                       << join(leading, ",") << "' of other names or extents than '"
                       << join(leading_names_, ",") << "' of /fields/" << velocity_[0].name);
    }
    return part;
  };
  auto has = [&](const std::string& n) {
    return std::find(present.begin(), present.end(), n) != present.end();
  };
  if (has("velocity")) {
    velocity_.push_back(part_of("velocity", true));
  } else {
    std::vector<std::string> missing;
    for (const char* n : {"u", "v", "w"})
      if (!has(n)) missing.push_back(n);
    EDDYOP_CHECK_HINT(missing.empty(), kComponent,
                      "'" << path_ << "': no " << join(missing, ", ")
                          << " field; a channel file needs u, v and w (or one 'velocity'); its "
                             "fields are: "
                          << (present.empty() ? "(none)" : join(present, ", ")),
                      "point evaluate/export at a channel dataset or trajectory");
    for (const char* n : {"u", "v", "w"}) velocity_.push_back(part_of(n, false));
  }
  for (const char* n : {"p", "pressure"})
    if (has(n) && pressure_.name.empty()) pressure_ = part_of(n, false);
  // The spatial extents of every part must agree.
  auto extent = [](const Part& p, Role r) {
    for (std::size_t a = 0; a < p.roles.size(); ++a)
      if (p.roles[a] == r) return p.shape[a];
    return std::size_t{0};
  };
  std::vector<const Part*> parts;
  for (const auto& p : velocity_) parts.push_back(&p);
  if (has_pressure()) parts.push_back(&pressure_);
  const std::size_t nx = extent(velocity_[0], Role::x), ny = extent(velocity_[0], Role::y),
                    nz = extent(velocity_[0], Role::z);
  for (const Part* p : parts)
    EDDYOP_CHECK(
        extent(*p, Role::x) == nx && extent(*p, Role::y) == ny && extent(*p, Role::z) == nz,
        kComponent,
        "'" << path_ << "': /fields/" << p->name << " is " << extent(*p, Role::x) << " x "
            << extent(*p, Role::y) << " x " << extent(*p, Role::z) << " (x, y, z) but /fields/"
            << velocity_[0].name << " is " << nx << " x " << ny << " x " << nz);

  // Grid.
  EDDYOP_CHECK_HINT(has_coordinate(in, "y"), kComponent,
                    "'" << path_ << "': no /grid/y (the wall-normal nodes); its coordinates are: "
                        << (in.coordinates().empty() ? "(none)" : join(in.coordinates(), ", ")),
                    "write the y nodes as /grid/y");
  std::vector<double> y = in.read_coordinate("y");
  EDDYOP_CHECK(y.size() == ny, kComponent,
               "'" << path_ << "': /grid/y has " << y.size() << " nodes but the fields have " << ny
                   << " along y");
  const double lx = period_of(in, "x", nx), lz = period_of(in, "z", nz);
  grid_ = channel_grid(nx, nz, lx, lz, y);
  validate_grid(grid_, kComponent);

  // Physics.
  const std::string nu_name = physics_name(in, {"nu"});
  EDDYOP_CHECK_HINT(!nu_name.empty(), kComponent,
                    "'" << path_ << "': /physics has no attribute 'nu' (kinematic viscosity); its "
                        << "attributes are: " << join(in.attribute_names(h5::kPhysicsGroup), ", "),
                    "write /physics nu");
  stats_options_.nu = in.read_double(h5::kPhysicsGroup, nu_name);
  EDDYOP_CHECK(stats_options_.nu > 0.0, kComponent,
               "'" << path_ << "': /physics nu = " << stats_options_.nu << " must be positive");
  const std::string re = physics_name(in, {"Re_tau", "re_tau"});
  if (!re.empty()) re_tau_ = in.read_double(h5::kPhysicsGroup, re);

  const std::string yb = physics_name(in, {"y_bottom"}), yt = physics_name(in, {"y_top"});
  const std::string ly_name = physics_name(in, {"ly", "Ly"});
  if (!yb.empty() && !yt.empty()) {
    stats_options_.y_bottom = in.read_double(h5::kPhysicsGroup, yb);
    stats_options_.y_top = in.read_double(h5::kPhysicsGroup, yt);
  } else if (!ly_name.empty()) {
    const double ly = in.read_double(h5::kPhysicsGroup, ly_name);
    const double tol = 1e-9 * ly;
    for (double lo : {0.0, -0.5 * ly}) {
      const double hi = lo + ly;
      const bool nodes_at_walls = std::abs(y.front() - lo) <= tol && std::abs(y.back() - hi) <= tol;
      const bool inside = y.front() > lo - tol && y.back() < hi + tol;
      if (inside && !nodes_at_walls) {
        stats_options_.y_bottom = lo;
        stats_options_.y_top = hi;
        break;
      }
      if (nodes_at_walls) break;
    }
  }

  // Time.
  for (std::size_t a = 0; a < leading_names_.size(); ++a)
    if (is_time_name(leading_names_[a])) time_axis_ = static_cast<int>(a);
  if (time_axis_ < 0 && leading_names_.size() == 1) time_axis_ = 0;
  if (time_axis_ >= 0) {
    const std::size_t nt = leading_shape_[static_cast<std::size_t>(time_axis_)];
    for (const char* c : {"t", "time"}) {
      if (times_.empty() && has_coordinate(in, c)) {
        times_ = in.read_coordinate(c);
        EDDYOP_CHECK(times_.size() == nt, kComponent,
                     "'" << path_ << "': /grid/" << c << " has " << times_.size()
                         << " entries but the time axis has " << nt);
      }
    }
    if (times_.empty()) {
      const std::string si = physics_name(in, {"sampling_interval"});
      const double dt = si.empty() ? 1.0 : in.read_double(h5::kPhysicsGroup, si);
      for (std::size_t t = 0; t < nt; ++t) times_.push_back(dt * static_cast<double>(t));
    }
  }
}

std::size_t ChannelSource::samples() const {
  std::size_t n = 1;
  for (std::size_t e : leading_shape_) n *= e;
  return n;
}

std::size_t ChannelSource::steps() const {
  return time_axis_ < 0 ? 0 : leading_shape_[static_cast<std::size_t>(time_axis_)];
}

std::size_t ChannelSource::trajectories() const {
  return time_axis_ == 1 ? leading_shape_[0] : 1;
}

double ChannelSource::sample_time(std::size_t slab, std::size_t s) const {
  if (time_axis_ < 0) return std::numeric_limits<double>::quiet_NaN();
  if (time_axis_ == 0) return times_[slab];
  // Sample s of a slab: leading axes 1.. flattened in C order.
  std::size_t index = s;
  for (std::size_t a = leading_shape_.size(); a-- > 1;) {
    const std::size_t i = index % leading_shape_[a];
    index /= leading_shape_[a];
    if (static_cast<int>(a) == time_axis_) return times_[i];
  }
  return std::numeric_limits<double>::quiet_NaN();
}

void ChannelSource::permute_into(const std::vector<double>& in, std::size_t count0,
                                 const Part& part, double* out, std::size_t sample_stride,
                                 std::size_t offset) const {
  std::vector<std::size_t> shape = part.shape;
  if (!shape.empty() && part.roles[0] == Role::leading) shape[0] = count0;
  std::vector<std::size_t> stride(shape.size(), 1);
  for (std::size_t a = shape.size(); a-- > 1;) stride[a - 1] = stride[a] * shape[a];
  std::size_t nlead = 0, s_c = 0, s_x = 0, s_y = 0, s_z = 0, nc = 1;
  for (std::size_t a = 0; a < shape.size(); ++a) {
    switch (part.roles[a]) {
      case Role::leading:
        ++nlead;
        break;
      case Role::component:
        s_c = stride[a];
        nc = shape[a];
        break;
      case Role::x:
        s_x = stride[a];
        break;
      case Role::y:
        s_y = stride[a];
        break;
      case Role::z:
        s_z = stride[a];
        break;
    }
  }
  std::size_t nsamples = 1;
  for (std::size_t a = 0; a < nlead; ++a) nsamples *= shape[a];
  const std::size_t per_sample = nlead == 0 ? in.size() : stride[nlead - 1];
  const std::size_t nx = grid_.n(0), ny = grid_.n(1), nz = grid_.n(2);
  for (std::size_t s = 0; s < nsamples; ++s) {
    const double* src = in.data() + s * per_sample;
    double* dst = out + s * sample_stride + offset;
    for (std::size_t c = 0; c < nc; ++c)
      for (std::size_t i = 0; i < nx; ++i)
        for (std::size_t j = 0; j < ny; ++j) {
          const double* line = src + c * s_c + i * s_x + j * s_y;
          double* o = dst + ((c * nx + i) * ny + j) * nz;
          for (std::size_t k = 0; k < nz; ++k) o[k] = line[k * s_z];
        }
  }
}

void ChannelSource::read(std::vector<double>& velocity, std::vector<double>* pressure,
                         std::size_t first, std::size_t count) const {
  EDDYOP_CHECK(first + count <= slabs(), kComponent,
               "'" << path_ << "': slabs [" << first << ", " << first + count
                   << ") lie outside the " << slabs() << " of the file");
  h5::Reader in(path_);
  const std::size_t np = grid_.points();
  const std::size_t n = count * samples_per_slab();
  velocity.assign(n * 3 * np, 0.0);
  std::vector<double> buffer;
  auto load = [&](const Part& part) {
    if (leading_names_.empty())
      in.read_field(buffer, part.name, h5::Convert::kYes);
    else
      in.read_slab(buffer, part.name, static_cast<std::int64_t>(first),
                   static_cast<std::int64_t>(count), h5::Convert::kYes);
  };
  if (velocity_.size() == 1) {
    load(velocity_[0]);
    permute_into(buffer, count, velocity_[0], velocity.data(), 3 * np, 0);
  } else {
    for (std::size_t c = 0; c < 3; ++c) {
      load(velocity_[c]);
      permute_into(buffer, count, velocity_[c], velocity.data(), 3 * np, c * np);
    }
  }
  if (pressure != nullptr) {
    pressure->clear();
    if (has_pressure()) {
      pressure->assign(n * np, 0.0);
      load(pressure_);
      permute_into(buffer, count, pressure_, pressure->data(), np, 0);
    }
  }
}

void ChannelSource::read_steps(std::vector<double>& velocity, std::vector<double>* pressure,
                               std::size_t trajectory, std::size_t t0, std::size_t n) const {
  const bool time_leads = time_axis_ == 0 && leading_shape_.size() == 1;
  const bool traj_time = time_axis_ == 1 && leading_shape_.size() == 2;
  EDDYOP_CHECK_HINT(time_leads || traj_time, kComponent,
                    "'" << path_ << "': leading axes '" << join(leading_names_, ",")
                        << "' are not (time) or (trajectory, time)",
                    "rollout errors and exports need a time axis");
  EDDYOP_CHECK(trajectory < trajectories(), kComponent,
               "'" << path_ << "': trajectory " << trajectory << " asked for, but the file has "
                   << trajectories());
  EDDYOP_CHECK(t0 + n <= steps(), kComponent,
               "'" << path_ << "': steps [" << t0 << ", " << t0 + n
                   << ") asked for, but the file has " << steps());
  if (time_leads) {
    read(velocity, pressure, t0, n);
    return;
  }
  if (cached_trajectory_ != trajectory) {
    read(cached_velocity_, &cached_pressure_, trajectory, 1);
    cached_trajectory_ = trajectory;
  }
  const std::size_t np = grid_.points();
  velocity.assign(cached_velocity_.begin() + static_cast<long>(t0 * 3 * np),
                  cached_velocity_.begin() + static_cast<long>((t0 + n) * 3 * np));
  if (pressure != nullptr) {
    pressure->clear();
    if (has_pressure())
      pressure->assign(cached_pressure_.begin() + static_cast<long>(t0 * np),
                       cached_pressure_.begin() + static_cast<long>((t0 + n) * np));
  }
}

void ChannelSource::expect_same_grid(const ChannelSource& other) const {
  static const char* axis_name[3] = {"x", "y", "z"};
  for (int a = 0; a < 3; ++a)
    EDDYOP_CHECK_HINT(grid_.n(a) == other.grid_.n(a), kComponent,
                      "'" << other.path_ << "' has " << other.grid_.n(a) << " nodes along "
                          << axis_name[a] << " but '" << path_ << "' has " << grid_.n(a),
                      "compare runs on the same grid (filter the DNS to the LES grid first)");
  for (int a : {0, 2})
    EDDYOP_CHECK(std::abs(grid_.period[a] - other.grid_.period[a]) <= 1e-6 * grid_.period[a],
                 kComponent,
                 "'" << other.path_ << "' has L" << axis_name[a] << " = " << other.grid_.period[a]
                     << " but '" << path_ << "' has " << grid_.period[a]);
  const auto& ya = grid_.coords[1];
  const auto& yb = other.grid_.coords[1];
  const double scale = ya.back() - ya.front();
  for (std::size_t j = 0; j < ya.size(); ++j)
    EDDYOP_CHECK(std::abs(ya[j] - yb[j]) <= 1e-6 * scale, kComponent,
                 "'" << other.path_ << "' has y[" << j << "] = " << yb[j] << " but '" << path_
                     << "' has " << ya[j] << ": the wall-normal grids differ");
}

}  // namespace eddyop::postprocess
