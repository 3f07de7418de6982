#include "postprocess/box_source.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

#include "core/error.hpp"
#include "core/hdf5/reader.hpp"
#include "core/strings.hpp"

namespace eddyop::postprocess {

namespace {

constexpr const char* kComponent = "io";
const char* const kAxisNames[3] = {"x", "y", "z"};

int spatial_index(const std::string& n) {
  for (int a = 0; a < 3; ++a)
    if (n == kAxisNames[a]) return a;
  return -1;
}
bool is_component_name(const std::string& n) {
  return n == "c" || n == "component" || n == "comp";
}
bool is_time_name(const std::string& n) {
  return n == "time" || n == "t" || n == "step";
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string shape_text(const std::vector<std::size_t>& s) {
  std::ostringstream o;
  o << "(";
  for (std::size_t i = 0; i < s.size(); ++i) o << (i ? ", " : "") << s[i];
  return o.str() + ")";
}

}  // namespace

std::vector<long long> read_trajectory_ids(const std::string& path) {
  h5::Reader in(path);
  if (!contains(in.attribute_names(h5::kRoot), "trajectories")) {
    // A channel run started from a dataset's fields (channel.initial_dataset, as the LES
    // baselines are): its trajectory r started from that dataset's initial_trajectory + r.
    const auto physics = in.attribute_names(h5::kPhysicsGroup);
    const auto fields = in.fields();
    if (!contains(physics, "initial_trajectory") || fields.empty()) return {};
    const long long first = in.read_int(h5::kPhysicsGroup, "initial_trajectory");
    const auto shape = in.field(fields.front()).shape;
    std::vector<long long> ids;
    for (long long r = 0; r < (shape.empty() ? 0 : shape[0]); ++r) ids.push_back(first + r);
    return ids;
  }
  std::vector<long long> ids;
  for (const auto& item : split(in.read_string(h5::kRoot, "trajectories"))) {
    try {
      ids.push_back(std::stoll(item));
    } catch (const std::exception&) {
      EDDYOP_FAIL(kComponent, "'" << path << "': the root attribute trajectories holds '" << item
                                  << "', not a sample index");
    }
  }
  return ids;
}

BoxSource::BoxSource(std::string path) : path_(std::move(path)) {
  h5::Reader in(path_);
  const auto names = in.fields();
  EDDYOP_CHECK(!names.empty(), kComponent, "'" << path_ << "' has no fields");

  // Every field on spatial axes; all must share the spatial axes, their extents and the leading
  // shape of the first.
  std::vector<std::size_t> leading_shape;
  std::vector<std::string> leading_names;
  std::array<std::size_t, 3> extent{{1, 1, 1}};
  std::array<bool, 3> present{{false, false, false}};
  std::vector<std::string> skipped;
  for (const auto& name : names) {
    const h5::FieldInfo f = in.field(name);
    const auto axes = split(f.axes);
    EDDYOP_CHECK_HINT(axes.size() == f.shape.size(), kComponent,
                      "'" << path_ << "': /fields/" << name << " has " << f.shape.size()
                          << " axes but its axes attribute names " << axes.size() << " ('" << f.axes
                          << "')",
                      "the axes attribute names every axis, e.g. \"sample,time,x,y\"");
    Part p;
    p.name = name;
    p.shape.assign(f.shape.begin(), f.shape.end());
    while (p.leading < axes.size() && spatial_index(axes[p.leading]) < 0 &&
           !is_component_name(axes[p.leading]))
      ++p.leading;
    bool ok = true;
    std::array<bool, 3> has{{false, false, false}};
    for (std::size_t a = 0; a < axes.size(); ++a) {
      const int s = spatial_index(axes[a]);
      p.spatial_role.push_back(s);
      if (a < p.leading) continue;
      if (s >= 0 && !has[static_cast<std::size_t>(s)]) {
        has[static_cast<std::size_t>(s)] = true;
      } else if (is_component_name(axes[a]) && p.component_axis < 0) {
        p.component_axis = static_cast<int>(a);
      } else {
        ok = false;
      }
    }
    if (!ok || std::none_of(has.begin(), has.end(), [](bool b) { return b; })) {
      skipped.push_back(name + " (" + f.axes + ")");
      continue;
    }
    const std::vector<std::size_t> lead(p.shape.begin(),
                                        p.shape.begin() + static_cast<long>(p.leading));
    if (parts_.empty()) {
      leading_shape = lead;
      leading_names.assign(axes.begin(), axes.begin() + static_cast<long>(p.leading));
      present = has;
      for (std::size_t a = 0; a < axes.size(); ++a)
        if (p.spatial_role[a] >= 0)
          extent[static_cast<std::size_t>(p.spatial_role[a])] = p.shape[a];
    } else {
      EDDYOP_CHECK_HINT(has == present && lead == leading_shape, kComponent,
                        "'" << path_ << "': /fields/" << name << " has axes '" << f.axes
                            << "' and shape " << shape_text(p.shape) << ", unlike /fields/"
                            << parts_[0].name << " " << shape_text(parts_[0].shape),
                        "every field of a periodic box shares its leading and spatial axes");
      for (std::size_t a = 0; a < axes.size(); ++a)
        if (p.spatial_role[a] >= 0)
          EDDYOP_CHECK(extent[static_cast<std::size_t>(p.spatial_role[a])] == p.shape[a],
                       kComponent,
                       "'" << path_ << "': /fields/" << name << " has " << p.shape[a]
                           << " nodes along " << axes[a] << " but /fields/" << parts_[0].name
                           << " has " << extent[static_cast<std::size_t>(p.spatial_role[a])]);
    }
    const std::size_t nc =
        p.component_axis < 0 ? 1 : p.shape[static_cast<std::size_t>(p.component_axis)];
    fields_.push_back({name, channels_.size(), nc});
    for (std::size_t c = 0; c < nc; ++c) {
      if (p.component_axis < 0)
        channels_.push_back(name);
      else if (name == "velocity" && (nc == 2 || nc == 3))
        channels_.push_back(std::string(1, "uvw"[c]));
      else
        channels_.push_back(name + "_" + std::to_string(c));
    }
    parts_.push_back(std::move(p));
  }
  EDDYOP_CHECK_HINT(
      !parts_.empty(), kComponent,
      "'" << path_ << "' has no field on spatial axes x, y, z; its fields are: " << join(skipped),
      "a periodic-box field has axes like \"sample,time,x,y\"");
  for (int a = 0; a < 3; ++a)
    if (present[static_cast<std::size_t>(a)]) {
      spatial_names_.push_back(kAxisNames[a]);
      ++dimension_;
    }

  // Leading axes: (trajectory, time), (time), (sample) or none.
  leading_count_ = static_cast<int>(leading_shape.size());
  EDDYOP_CHECK_HINT(leading_count_ <= 2, kComponent,
                    "'" << path_ << "': the fields have " << leading_count_ << " leading axes ("
                        << join(leading_names, ",") << "); at most two are read",
                    "use (trajectory, time) or (sample, time) leading axes");
  if (leading_count_ == 2) {
    trajectories_ = leading_shape[0];
    steps_ = leading_shape[1];
    has_time_ = true;
  } else if (leading_count_ == 1) {
    has_time_ = is_time_name(leading_names[0]);
    sample_axis_ = !has_time_;
    (has_time_ ? steps_ : trajectories_) = leading_shape[0];
  }
  EDDYOP_CHECK(
      trajectories_ >= 1 && steps_ >= 1, kComponent,
      "'" << path_ << "' holds no samples (leading shape " << shape_text(leading_shape) << ")");

  // Grid: uniform periodic axes.
  const auto coords = in.coordinates();
  const auto physics = in.attribute_names(h5::kPhysicsGroup);
  for (std::size_t a = 0; a < 3; ++a) {
    const std::size_t n = extent[a];
    const std::string axis = kAxisNames[a];
    double x0 = 0.0, length = 1.0;
    if (present[a] && contains(coords, axis)) {
      const auto c = in.read_coordinate(axis);
      EDDYOP_CHECK(c.size() == n, kComponent,
                   "'" << path_ << "': /grid/" << axis << " has " << c.size()
                       << " nodes but the fields have " << n << " along " << axis);
      x0 = c.front();
      if (n > 1) {
        const double dx = c[1] - c[0];
        for (std::size_t i = 1; i < n; ++i)
          EDDYOP_CHECK_HINT(std::abs((c[i] - c[i - 1]) - dx) <= 1e-6 * std::abs(dx), kComponent,
                            "'" << path_ << "': /grid/" << axis << " is not uniform (spacing "
                                << c[i] - c[i - 1] << " at node " << i << ", " << dx
                                << " at node 1), so it is not a periodic-box axis",
                            "a stretched y is a channel: give /physics Re_tau or y_bottom");
        length = dx * static_cast<double>(n);
      }
    } else if (present[a]) {
      for (const std::string& key : {"L" + axis, "l" + axis})
        if (contains(physics, key)) {
          length = in.read_double(h5::kPhysicsGroup, key);
          break;
        }
    }
    EDDYOP_CHECK(length > 0.0, kComponent,
                 "'" << path_ << "': the period along " << axis << " is " << length);
    grid_.periodic[a] = true;
    grid_.period[a] = length;
    grid_.coords[a].resize(n);
    for (std::size_t i = 0; i < n; ++i)
      grid_.coords[a][i] = x0 + length * static_cast<double>(i) / static_cast<double>(n);
  }

  // Times of the steps.
  for (const char* name : {"t", "time"})
    if (times_.empty() && contains(coords, name)) {
      auto t = in.read_coordinate(name);
      if (t.size() >= steps_) times_.assign(t.begin(), t.begin() + static_cast<long>(steps_));
    }
  if (times_.empty()) {
    double dt = 1.0;
    for (const char* key : {"sampling_interval", "record_interval"})
      if (contains(physics, key)) {
        dt = in.read_double(h5::kPhysicsGroup, key);
        break;
      }
    for (std::size_t t = 0; t < steps_; ++t) times_.push_back(dt * static_cast<double>(t));
  }

  ids_ = read_trajectory_ids(path_);
  EDDYOP_CHECK(ids_.empty() || ids_.size() == trajectories_, kComponent,
               "'" << path_ << "': the root attribute trajectories lists " << ids_.size()
                   << " samples but the fields hold " << trajectories_ << " trajectories");
}

void BoxSource::load(std::size_t trajectory) const {
  if (cached_ == trajectory) return;
  h5::Reader in(path_);
  const std::size_t np = grid_.points(), nc = channels_.size();
  // The slab of the first leading axis that holds the trajectory, and its steps.
  std::size_t slab = 0, count = 1;
  if (leading_count_ == 2 || sample_axis_) {
    slab = trajectory;
  } else if (leading_count_ == 1) {
    count = steps_;
  }
  cache_.assign(steps_ * nc * np, 0.0);
  const std::size_t ny = grid_.n(1), nz = grid_.n(2);
  std::vector<double> raw;
  for (std::size_t f = 0; f < parts_.size(); ++f) {
    const Part& p = parts_[f];
    if (leading_count_ == 0)
      in.read_field(raw, p.name, h5::Convert::kYes);
    else
      in.read_slab(raw, p.name, static_cast<std::int64_t>(slab), static_cast<std::int64_t>(count),
                   h5::Convert::kYes);
    // Walk the file's trailing axes in storage order and place each value canonically.
    std::vector<std::size_t> trailing;
    for (std::size_t a = p.leading; a < p.shape.size(); ++a) trailing.push_back(a);
    std::size_t per_step = 1;
    for (std::size_t a : trailing) per_step *= p.shape[a];
    std::vector<std::size_t> idx(p.shape.size(), 0);
    for (std::size_t s = 0; s < steps_; ++s) {
      const double* src = raw.data() + s * per_step;
      std::fill(idx.begin(), idx.end(), 0);
      for (std::size_t v = 0; v < per_step; ++v) {
        std::size_t ijk[3] = {0, 0, 0}, c = 0;
        for (std::size_t a : trailing) {
          if (static_cast<int>(a) == p.component_axis)
            c = idx[a];
          else
            ijk[p.spatial_role[a]] = idx[a];
        }
        cache_[((s * nc + fields_[f].first + c) * grid_.n(0) + ijk[0]) * ny * nz + ijk[1] * nz +
               ijk[2]] = src[v];
        for (std::size_t a = p.shape.size(); a-- > p.leading;) {  // odometer, last axis fastest
          if (++idx[a] < p.shape[a]) break;
          idx[a] = 0;
        }
      }
    }
  }
  cached_ = trajectory;
}

void BoxSource::read_steps(std::vector<double>& out, std::size_t trajectory, std::size_t t0,
                           std::size_t n) const {
  EDDYOP_CHECK(trajectory < trajectories_, kComponent,
               "'" << path_ << "': trajectory " << trajectory << " asked for, but the file has "
                   << trajectories_);
  EDDYOP_CHECK(
      t0 + n <= steps_, kComponent,
      "'" << path_ << "': steps " << t0 << " to " << t0 + n << " asked for, but it has " << steps_);
  load(trajectory);
  const std::size_t per = channels_.size() * grid_.points();
  out.assign(cache_.begin() + static_cast<long>(t0 * per),
             cache_.begin() + static_cast<long>((t0 + n) * per));
}

std::size_t BoxSource::channel_index(const std::string& name) const {
  const auto it = std::find(channels_.begin(), channels_.end(), name);
  return it == channels_.end() ? static_cast<std::size_t>(-1)
                               : static_cast<std::size_t>(it - channels_.begin());
}

void BoxSource::expect_same_grid(const BoxSource& other) const {
  EDDYOP_CHECK_HINT(spatial_names_ == other.spatial_names_, kComponent,
                    "'" << other.path_ << "' has fields on " << join(other.spatial_names_, ",")
                        << " but '" << path_ << "' on " << join(spatial_names_, ","),
                    "compare runs of the same problem");
  for (int a = 0; a < 3; ++a) {
    EDDYOP_CHECK_HINT(grid_.n(a) == other.grid_.n(a), kComponent,
                      "'" << other.path_ << "' has " << other.grid_.n(a) << " nodes along "
                          << kAxisNames[a] << " but '" << path_ << "' has " << grid_.n(a),
                      "compare runs on the same grid (interpolate or filter one of them first)");
    const double p = grid_.period[static_cast<std::size_t>(a)],
                 q = other.grid_.period[static_cast<std::size_t>(a)];
    EDDYOP_CHECK(std::abs(p - q) <= 1e-9 * std::max(p, q), kComponent,
                 "'" << other.path_ << "' has period " << q << " along " << kAxisNames[a]
                     << " but '" << path_ << "' has " << p);
  }
}

}  // namespace eddyop::postprocess
