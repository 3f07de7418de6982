#include "postprocess/export.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

#include "core/error.hpp"
#include "core/hdf5/reader.hpp"
#include "core/strings.hpp"
#include "postprocess/box_source.hpp"
#include "postprocess/channel_source.hpp"
#include "postprocess/dataset_kind.hpp"
#include "postprocess/vtk_writers.hpp"
#include "postprocess/xdmf_writer.hpp"

namespace eddyop::postprocess {

namespace fs = std::filesystem;

namespace {

constexpr const char* kComponent = "export";

bool spatial(const std::string& n) {
  return n == "x" || n == "y" || n == "z";
}
bool component(const std::string& n) {
  return n == "c" || n == "component" || n == "comp";
}
bool time_name(const std::string& n) {
  return n == "time" || n == "t" || n == "step";
}

// The snapshots asked for among `nsteps`.
std::vector<std::size_t> chosen_steps(const ExportOptions& o, std::size_t nsteps,
                                      const std::string& path) {
  std::vector<std::size_t> steps;
  if (o.steps.empty()) {
    EDDYOP_CHECK(o.stride >= 1, kComponent, "export.stride = " << o.stride << " must be >= 1");
    for (std::size_t t = 0; t < nsteps; t += static_cast<std::size_t>(o.stride)) steps.push_back(t);
    return steps;
  }
  for (long long t : o.steps) {
    const long long s = t < 0 ? static_cast<long long>(nsteps) + t : t;
    EDDYOP_CHECK(s >= 0 && s < static_cast<long long>(nsteps), kComponent,
                 "export.steps holds " << t << " but '" << path << "' has " << nsteps << " steps");
    steps.push_back(static_cast<std::size_t>(s));
  }
  return steps;
}

// A periodic box: <label>_<step>.vti per snapshot of trajectory `o.trajectory`, and the .pvd.
// A velocity (u, v[, w] or `velocity`) is the 3-component vector; every other channel a scalar.
std::string box_series(const BoxSource& src, const std::string& label, const ExportOptions& o,
                       const std::string& out_dir) {
  EDDYOP_CHECK(o.trajectory < src.trajectories(), kComponent,
               "export.trajectory = " << o.trajectory << " but '" << src.path() << "' has "
                                      << src.trajectories() << " trajectories");
  const std::vector<std::size_t> steps = chosen_steps(o, src.steps(), src.path());
  const fs::path dir = fs::path(out_dir) / label;
  fs::create_directories(dir);
  const RectGrid& g = src.grid();
  const std::size_t np = g.points(), nc = src.channels().size();
  // The velocity's channels, when the box has one of its dimension (2 or 3 components).
  std::vector<std::size_t> vel;
  const std::size_t none = static_cast<std::size_t>(-1);
  for (const char* c : {"u", "v", "w"})
    if (src.channel_index(c) != none) vel.push_back(src.channel_index(c));
  const bool has_velocity =
      (vel.size() == 3 && g.n(2) > 1) || (vel.size() == 2 && g.n(2) == 1 && src.dimension() == 2);
  if (!has_velocity) vel.clear();
  std::vector<PvdEntry> entries;
  std::vector<double> v, velocity;
  for (std::size_t t : steps) {
    src.read_steps(v, o.trajectory, t, 1);
    GridFields f;
    f.time = src.times()[t];
    if (has_velocity) {
      velocity.assign(vel.size() * np, 0.0);
      for (std::size_t c = 0; c < vel.size(); ++c)
        std::copy_n(v.begin() + static_cast<long>(vel[c] * np), np,
                    velocity.begin() + static_cast<long>(c * np));
      f.velocity = velocity;
      // Derived fields need all three components (a 2-D box's vorticity is stored, if at all).
      f.vorticity = o.vorticity && vel.size() == 3;
      f.q_criterion = o.q_criterion && vel.size() == 3;
    }
    for (std::size_t c = 0; c < nc; ++c)
      if (std::find(vel.begin(), vel.end(), c) == vel.end())
        f.scalars.push_back({src.channels()[c], ArrayRef(v.data() + c * np, np)});
    char name[32];
    std::snprintf(name, sizeof name, "_%05zu.vti", t);
    const std::string file = label + name;
    write_vti((dir / file).string(), g, f);
    entries.push_back({f.time, file, 0});
  }
  const std::string pvd = (dir / (label + ".pvd")).string();
  write_pvd(pvd, entries);
  return pvd;
}

std::string series(const ChannelSource& src, const std::string& label, const ExportOptions& o,
                   const std::string& out_dir) {
  EDDYOP_CHECK_HINT(src.time_axis() >= 0 || src.samples() == 1, kComponent,
                    "'" << src.path() << "' has leading axes '" << join(src.leading_axes(), ",")
                        << "' and no time axis",
                    "name the time axis 'time' in the fields' axes attribute");
  const std::size_t nsteps = src.time_axis() >= 0 ? src.steps() : 1;
  std::vector<std::size_t> steps;
  if (o.steps.empty()) {
    EDDYOP_CHECK(o.stride >= 1, kComponent, "export.stride = " << o.stride << " must be >= 1");
    for (std::size_t t = 0; t < nsteps; t += static_cast<std::size_t>(o.stride)) steps.push_back(t);
  } else {
    for (long long t : o.steps) {
      const long long s = t < 0 ? static_cast<long long>(nsteps) + t : t;
      EDDYOP_CHECK(
          s >= 0 && s < static_cast<long long>(nsteps), kComponent,
          "export.steps holds " << t << " but '" << src.path() << "' has " << nsteps << " steps");
      steps.push_back(static_cast<std::size_t>(s));
    }
  }
  const fs::path dir = fs::path(out_dir) / label;
  fs::create_directories(dir);
  std::vector<PvdEntry> entries;
  std::vector<double> velocity, pressure;
  for (std::size_t t : steps) {
    if (src.time_axis() >= 0)
      src.read_steps(velocity, &pressure, o.trajectory, t, 1);
    else
      src.read(velocity, &pressure, 0, 1);
    GridFields f;
    f.time = src.time_axis() >= 0 ? src.times()[t] : 0.0;
    f.velocity = velocity;
    if (!pressure.empty()) f.pressure = pressure;
    f.vorticity = o.vorticity;
    f.q_criterion = o.q_criterion;
    char name[32];
    std::snprintf(name, sizeof name, "_%05zu.vtr", t);
    const std::string file = label + name;
    write_vtr((dir / file).string(), src.grid(), f);
    entries.push_back({f.time, file, 0});
  }
  const std::string pvd = (dir / (label + ".pvd")).string();
  write_pvd(pvd, entries);
  return pvd;
}

}  // namespace

std::string write_file_xdmf(const std::string& h5_path) {
  h5::Reader in(h5_path);
  if (in.kind() == "statistics") {
    spdlog::info("export: '{}' holds statistics, not fields; no .xmf written", h5_path);
    return {};
  }
  const auto coords = in.coordinates();
  const auto physics = in.attribute_names(h5::kPhysicsGroup);
  auto has_coord = [&](const std::string& c) {
    return std::find(coords.begin(), coords.end(), c) != coords.end();
  };
  auto has_physics = [&](const std::string& a) {
    return std::find(physics.begin(), physics.end(), a) != physics.end();
  };
  XdmfGrid g;
  g.hdf5_file = fs::path(h5_path).filename().string();
  std::vector<std::string> layout;  // spatial axes in storage order, of the first field taken
  std::vector<std::size_t> layout_extents;
  std::string time_axis_name;
  std::size_t nleading = 0;
  std::vector<std::size_t> leading_shape;
  for (const auto& name : in.fields()) {
    const h5::FieldInfo f = in.field(name);
    const auto axes = split(f.axes);
    if (axes.size() != f.shape.size()) continue;
    std::size_t lead = 0;
    while (lead < axes.size() && !spatial(axes[lead]) && !component(axes[lead])) ++lead;
    std::vector<std::string> space;
    std::vector<std::size_t> extents;
    int comp = -1;
    bool ok = true;
    for (std::size_t a = lead; a < axes.size(); ++a) {
      if (spatial(axes[a]) && std::find(space.begin(), space.end(), axes[a]) == space.end()) {
        space.push_back(axes[a]);
        extents.push_back(static_cast<std::size_t>(f.shape[a]));
      } else if (component(axes[a]) && comp < 0) {
        comp = static_cast<int>(a);
      } else {
        ok = false;
      }
    }
    if (!ok || space.empty()) continue;
    if (layout.empty()) {
      layout = space;
      layout_extents = extents;
      nleading = lead;
      for (std::size_t a = 0; a < lead; ++a) leading_shape.push_back(f.shape[a]);
      // The last leading axis is the time series (a named time axis, or the samples).
      if (lead > 0) {
        time_axis_name = axes[lead - 1];
        const std::size_t nt = leading_shape.back();
        for (const char* c : {"t", "time"})
          if (g.times.empty() && has_coord(c) && in.read_coordinate(c).size() == nt)
            g.times = in.read_coordinate(c);
        if (g.times.empty()) {
          const bool si = time_name(time_axis_name) && has_physics("sampling_interval");
          const double dt = si ? in.read_double(h5::kPhysicsGroup, "sampling_interval") : 1.0;
          for (std::size_t t = 0; t < nt; ++t) g.times.push_back(dt * static_cast<double>(t));
        }
      }
    } else {
      std::vector<std::size_t> ls(f.shape.begin(), f.shape.begin() + static_cast<long>(lead));
      if (space != layout || extents != layout_extents || lead != nleading || ls != leading_shape)
        continue;
    }
    XdmfAttribute a;
    a.name = name;
    a.dataset = h5::field_path(name);
    a.shape.assign(f.shape.begin(), f.shape.end());
    a.fixed.assign(nleading > 0 ? nleading - 1 : 0, 0);
    a.component_axis = comp;
    a.precision = f.dtype == h5::DType::kFloat32 ? 4 : 8;
    g.attributes.push_back(a);
  }
  if (g.attributes.empty()) {
    spdlog::info("export: '{}' holds no field on x, y or z; no .xmf written", h5_path);
    return {};
  }

  // The grid: coordinate datasets where the file has them; else uniform nodes over /physics
  // L<axis> (or l<axis>), else over the unit length.
  const std::size_t nd = layout.size();
  std::vector<std::vector<double>> nodes(nd);
  std::vector<bool> stored(nd, false);
  bool all_stored = true, all_uniform = true;
  for (std::size_t a = 0; a < nd; ++a) {
    const std::string& axis = layout[a];
    const std::size_t n = layout_extents[a];
    if (has_coord(axis)) {
      nodes[a] = in.read_coordinate(axis);
      EDDYOP_CHECK(nodes[a].size() == n, kComponent,
                   "'" << h5_path << "': /grid/" << axis << " has " << nodes[a].size()
                       << " nodes but /fields/" << g.attributes[0].name << " has " << n);
      stored[a] = true;
      for (std::size_t i = 2; i < n; ++i)
        if (std::abs((nodes[a][i] - nodes[a][i - 1]) - (nodes[a][1] - nodes[a][0])) >
            1e-6 * std::abs(nodes[a][1] - nodes[a][0]))
          all_uniform = false;
    } else {
      all_stored = false;
      double length = 1.0;
      for (const std::string& key : {"L" + axis, "l" + axis})
        if (has_physics(key)) {
          length = in.read_double(h5::kPhysicsGroup, key);
          break;
        }
      for (std::size_t i = 0; i < n; ++i)
        nodes[a].push_back(length * static_cast<double>(i) / static_cast<double>(n));
    }
  }
  // A line is shown as a 1 x n mesh.
  const bool line = nd == 1;
  if (line) {
    nodes.insert(nodes.begin(), std::vector<double>{0.0});
    stored.insert(stored.begin(), false);
    g.data_dims = {layout_extents[0]};
  }
  const std::size_t mesh_dims = nodes.size();
  for (std::size_t a = 0; a < mesh_dims; ++a) g.n[a] = nodes[a].size();
  if (nd == 3 && all_stored) {
    g.topology = XdmfTopology::RectMesh3D;  // as the channel writes it: every axis a dataset
  } else if (!all_uniform) {
    g.topology = mesh_dims == 3 ? XdmfTopology::RectMesh3D : XdmfTopology::RectMesh2D;
  } else {
    g.topology = mesh_dims == 3 ? XdmfTopology::CoRectMesh3D : XdmfTopology::CoRectMesh2D;
  }
  for (std::size_t a = 0; a < mesh_dims; ++a) {
    if (stored[a])
      g.coordinates[a] = h5::coordinate_path(layout[line ? a - 1 : a]);
    else
      g.coordinate_values[a] = nodes[a];
    g.origin[a] = nodes[a].front();
    g.spacing[a] = nodes[a].size() > 1 ? nodes[a][1] - nodes[a][0] : 1.0;
  }
  const std::string xmf = fs::path(h5_path).replace_extension(".xmf").string();
  write_xdmf(xmf, g);
  return xmf;
}

std::vector<std::string> export_files(const ExportOptions& o, const std::string& out_dir) {
  EDDYOP_CHECK_HINT(!o.files.empty() || !o.xdmf_files.empty(), kComponent, "no files to export",
                    "give export.files (or evaluate.files and evaluate.truth)");
  EDDYOP_CHECK(o.labels.empty() || o.labels.size() == o.files.size(), kComponent,
               o.labels.size() << " labels for " << o.files.size() << " files");
  // Validate every file before writing anything: a channel (.vtr) or a periodic box (.vti).
  std::vector<std::unique_ptr<ChannelSource>> channels;
  std::vector<std::unique_ptr<BoxSource>> boxes;
  for (const auto& f : o.files) {
    const bool box = detect_dataset_kind(f) == DatasetKind::periodic_box;
    channels.push_back(box ? nullptr : std::make_unique<ChannelSource>(f));
    boxes.push_back(box ? std::make_unique<BoxSource>(f) : nullptr);
  }
  std::vector<std::string> written;
  EDDYOP_CHECK(o.file_trajectories.empty() || o.file_trajectories.size() == o.files.size(),
               kComponent,
               o.file_trajectories.size() << " trajectories for " << o.files.size() << " files");
  for (std::size_t i = 0; i < o.files.size(); ++i) {
    const std::string label = o.labels.empty() ? fs::path(o.files[i]).stem().string() : o.labels[i];
    ExportOptions oi = o;
    if (!o.file_trajectories.empty()) oi.trajectory = o.file_trajectories[i];
    if (o.vtk) {
      written.push_back(boxes[i] ? box_series(*boxes[i], label, oi, out_dir)
                                 : series(*channels[i], label, oi, out_dir));
      spdlog::info("export: {}", written.back());
    }
    if (o.xdmf) {
      const std::string x = write_file_xdmf(o.files[i]);
      if (!x.empty()) written.push_back(x);
    }
  }
  if (o.xdmf)
    for (const auto& f : o.xdmf_files) {
      const std::string x = write_file_xdmf(f);
      if (!x.empty()) written.push_back(x);
    }
  return written;
}

}  // namespace eddyop::postprocess
